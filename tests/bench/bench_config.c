/*
 * bench_config.c - the configuration path at scale: a 10,000-tunnel
 * configuration (each tunnel with its own peer, key and subnets) loaded
 * through the command tree and committed, shown, and changed by one line.
 *
 * Usage: bench_config [TUNNELS]      prints figures; not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "grammar_util.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *generate(unsigned n, size_t *lines)
{
	size_t cap = (size_t)n * 400 + 4096, len = 0;
	char *b = malloc(cap);

	*lines = 0;
#define ADD(...)                                                                                   \
	do {                                                                                       \
		len += (size_t)snprintf(b + len, cap - len, __VA_ARGS__);                          \
		(*lines)++;                                                                        \
	} while (0)
	ADD("configure terminal\n");
	ADD("crypto ikev2 policy 1\n");
	ADD(" encryption aes256-gcm\n");
	ADD(" prf sha256\n");
	ADD(" group 19\n");
	ADD("crypto ipsec policy ESP\n");
	ADD(" encryption aes256-gcm\n");
	for (unsigned i = 0; i < n; i++) {
		ADD("ipsec tunnel SITE-%05u\n", i);
		ADD(" ike-policy 1\n");
		ADD(" ipsec-policy ESP\n");
		ADD(" local-address 192.0.2.1\n");
		ADD(" remote-address 10.%u.%u.%u\n", 100 + i / 65536, (i / 256) % 256, i % 256);
		ADD(" authentication pre-share key psk-%08x-%u\n", i * 2654435761u, i);
		ADD(" local-subnet 172.16.0.0/16\n");
		ADD(" remote-subnet 10.%u.%u.0/24\n", i / 256 % 256, i % 256);
		ADD(" dpd interval 30 timeout 120\n");
	}
	return b;
}

static unsigned long counted;

static int count_out(void *arg, const char *line)
{
	counted++;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10000;
	struct gsess g;
	size_t lines;
	char *text = generate(n, &lines);
	double t0, t1, t2, t3, t4, t5;
	struct rusage ru;

	if (gsess_open(&g, NULL, ENG_ROLE_ADMIN)) {
		fprintf(stderr, "cannot open the engine\n");
		return 1;
	}
	t0 = now();
	if (gs_script(&g, text) != CMD_OK) {
		fprintf(stderr, "load failed: %s\n", g.err);
		return 1;
	}
	t1 = now();
	if (gs_run(&g, "commit", NULL) != CMD_OK) {
		fprintf(stderr, "commit failed: %s\n", g.err);
		return 1;
	}
	t2 = now();
	gs_run(&g, "end", NULL);
	/* show running-config into a sink that only counts lines */
	cmd_sess_free(g.cs);
	struct cmd_io io = {.out = count_out, .err = NULL, .arg = NULL, .term = &g.term};
	cmd_sess_new(g.es, &io, &g.cs);
	t3 = now();
	struct cmd_result r;
	cmd_exec(g.cs, "show running-config", &r);
	t4 = now();
	if (r.status != CMD_OK) {
		fprintf(stderr, "show failed\n");
		return 1;
	}
	/* one line of one tunnel, committed */
	double best = 1e9, sum = 0;
	const int rounds = 20;
	for (int k = 0; k < rounds; k++) {
		char line[128];
		cmd_exec(g.cs, "configure terminal", &r);
		snprintf(line, sizeof(line), "ipsec tunnel SITE-%05u", (unsigned)(k * 7919) % n);
		cmd_exec(g.cs, line, &r);
		snprintf(line, sizeof(line), "dpd interval %d timeout 120", 10 + k);
		cmd_exec(g.cs, line, &r);
		double a = now();
		cmd_exec(g.cs, "commit", &r);
		double b = now();
		if (r.status != CMD_OK) {
			fprintf(stderr, "one-line commit failed\n");
			return 1;
		}
		cmd_exec(g.cs, "end", &r);
		sum += b - a;
		if (b - a < best)
			best = b - a;
	}
	t5 = now();
	(void)t5;
	getrusage(RUSAGE_SELF, &ru);
	printf("tunnels                         %u (%zu lines of commands)\n", n, lines);
	printf("load through the command tree   %.3f s\n", t1 - t0);
	printf("commit (validate, apply, save)  %.3f s\n", t2 - t1);
	printf("load + commit                   %.3f s   (target < 0.5 s)\n", t2 - t0);
	printf("show running-config             %.3f s   (%lu lines; target < 0.1 s)\n", t4 - t3,
	       counted);
	printf("one-line change, commit         %.2f ms mean, %.2f ms best of %d"
	       "   (target < 10 ms)\n",
	       sum / rounds * 1e3, best * 1e3, rounds);
	printf("peak memory (max RSS)           %.1f MB   (target < 20 MB)\n",
	       (double)ru.ru_maxrss / 1024.0);
	printf("state directory                 %s\n", g.dir);
	free(text);
	gsess_close(&g, true);
	return 0;
}
