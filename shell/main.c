/*
 * main.c - ikesh: options, the embedded engine, and the choice between
 * the interactive terminal and a script.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "shell.h"

#ifndef IKESH_VERSION
#define IKESH_VERSION "0.0"
#endif

#define DEFAULT_STATE_DIR "/etc/ikesh"
#define DEFAULT_RUN_DIR	  "/run/ikesh"

volatile sig_atomic_t shell_sigint, shell_sigterm, shell_sigwinch;
volatile sig_atomic_t shell_tty_sigints;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	if (sig == SIGINT && si && si->si_code == SI_KERNEL)
		shell_tty_sigints++; /* Ctrl-C typed: a key the terminal took */
	if (sig == SIGINT)
		shell_sigint = 1;
	else if (sig == SIGWINCH)
		shell_sigwinch = 1;
	else
		shell_sigterm = 1;
}

/* No SA_RESTART: a blocked read or poll returns EINTR and the loops look. */
void shell_signals_install(void)
{
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO};
	static const int ign[] = {SIGTSTP, SIGTTOU, SIGTTIN};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	for (size_t i = 0; i < sizeof(ign) / sizeof(ign[0]); i++)
		signal(ign[i], SIG_IGN);
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: ikesh [--state-dir DIR] [--run-dir DIR] [-c CMD]... [-f FILE] [--check]\n"
	    "\n"
	    "  --state-dir DIR  startup-config and commit history (IKESH_STATE_DIR, "
	    "default " DEFAULT_STATE_DIR ")\n"
	    "  --run-dir DIR    the running configuration (IKESH_RUN_DIR, default " DEFAULT_RUN_DIR
	    ")\n"
	    "  -c CMD           run CMD as if typed at the EXEC prompt (repeatable)\n"
	    "  -f FILE          run the lines of FILE (also: #!/usr/sbin/ikesh -f)\n"
	    "  --check          validate the script's configuration, commit nothing\n"
	    "  --no-ike         do not negotiate tunnels, edit configuration only "
	    "(IKESH_NO_IKE=1)\n"
	    "  --ike-port PORT  UDP port for IKE, PORT+1 for NAT-T (default 500 and 4500)\n"
	    "  --help, --version\n"
	    "\n"
	    "Without -c or -f, ikesh is interactive on a terminal and reads a script from\n"
	    "standard input otherwise.  An interactive ikesh runs the IKE engine: its\n"
	    "tunnels negotiate while it runs.\n");
}

/* ---- Script output ------------------------------------------------------ */

static int script_out(void *arg, const char *line)
{
	if (fputs(line, stdout) == EOF || putchar('\n') == EOF)
		return -1;
	return 0;
}

static void script_err(void *arg, const char *line)
{
	struct shell *sh = arg;

	fflush(stdout);
	if (sh->origin && sh->lineno)
		fprintf(stderr, "%s:%u: ", sh->origin, sh->lineno);
	else if (sh->origin)
		fprintf(stderr, "%s: ", sh->origin);
	shell_fput_safe(stderr, line);
	sh->errors++;
}

static int script_ask(void *arg, const char *question, char *buf, size_t len)
{
	return -1;
}

bool shell_log_wanted(const struct shell *sh, const char *msg)
{
	return sh->term.monitor || msg[0] == '%';
}

/* Asynchronous log lines, as IOS's `logging console` and `logging
 * monitor`: to the console and to sessions with `terminal monitor` only,
 * never to an SSH session or a script that did not ask. */
void shell_log(void *arg, enum eng_log_level level, const char *msg)
{
	struct shell *sh = arg;

	if (!shell_log_wanted(sh, msg))
		return;
	if (sh->term.interactive) {
		shell_tty_log(sh, level, msg);
		return;
	}
	fflush(stdout);
	shell_fput_safe(stderr, msg);
}

/* ---- main --------------------------------------------------------------- */

/* Keys and passwords live in this process's memory: no core dump carries
 * them, and no other process of the same user may read them (ptrace,
 * /proc/PID/mem). */
static void no_core_dumps(void)
{
	struct rlimit none = {0, 0};

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* A -c argument may carry a key; /proc/PID/cmdline shows every local user
 * the argument strings, so they are blanked once copied.  (Until then they
 * show: secrets go in a file, -f, or on standard input.) */
static char *take_arg(char *arg)
{
	char *copy = strdup(arg);

	explicit_bzero(arg, strlen(arg));
	return copy;
}

struct opts {
	const char *state_dir, *run_dir, *file;
	char **cmds; /* copies, the arguments themselves blanked */
	int n_cmds;
	bool check;
	bool no_ike;
	uint16_t ike_port;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
	    {"state-dir", required_argument, NULL, 's'}, {"run-dir", required_argument, NULL, 'r'},
	    {"check", no_argument, NULL, 'k'},		 {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},	 {"no-ike", no_argument, NULL, 'n'},
	    {"ike-port", required_argument, NULL, 'p'},	 {NULL, 0, NULL, 0},
	};
	int c;

	o->no_ike = getenv("IKESH_NO_IKE") && strcmp(getenv("IKESH_NO_IKE"), "1") == 0;
	o->state_dir = getenv("IKESH_STATE_DIR");
	o->run_dir = getenv("IKESH_RUN_DIR");
	if (!o->state_dir || !o->state_dir[0])
		o->state_dir = DEFAULT_STATE_DIR;
	if (!o->run_dir || !o->run_dir[0])
		o->run_dir = DEFAULT_RUN_DIR;
	o->cmds = calloc((size_t)argc, sizeof(*o->cmds));
	if (!o->cmds)
		return -ENOMEM;
	while ((c = getopt_long(argc, argv, "+c:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->state_dir = optarg;
			break;
		case 'r':
			o->run_dir = optarg;
			break;
		case 'k':
			o->check = true;
			break;
		case 'n':
			o->no_ike = true;
			break;
		case 'p': {
			char *end;
			unsigned long port = strtoul(optarg, &end, 10);

			if (*end || port < 1 || port > 65534) {
				fprintf(stderr, "ikesh: --ike-port: not a port number: %s\n",
					optarg);
				return -EINVAL;
			}
			o->ike_port = (uint16_t)port;
			break;
		}
		case 'c':
			o->cmds[o->n_cmds] = take_arg(optarg);
			if (!o->cmds[o->n_cmds++])
				return -ENOMEM;
			break;
		case 'f':
			if (o->file) {
				fprintf(stderr, "ikesh: -f may be given once\n");
				return -EINVAL;
			}
			o->file = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("ikesh %s\n", IKESH_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ikesh: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static void free_cmds(struct opts *o)
{
	for (int i = 0; i < o->n_cmds; i++) {
		if (o->cmds[i]) {
			explicit_bzero(o->cmds[i], strlen(o->cmds[i]));
			free(o->cmds[i]);
		}
	}
	free(o->cmds);
	o->cmds = NULL;
}

/* Every -c is a line (or several, split at newlines), numbered in order. */
static int run_cmds(struct shell *sh, const struct opts *o)
{
	int rc = 0;

	sh->origin = "-c";
	sh->lineno = 0;
	for (int i = 0; i < o->n_cmds && rc == 0; i++) {
		const char *p = o->cmds[i];
		do {
			size_t len = strcspn(p, "\n");
			char *line = strndup(p, len);

			if (!line)
				return -1;
			sh->lineno++;
			rc = shell_script_line(sh, line);
			eng_secret_free(line);
			p += len + (p[len] == '\n');
		} while (*p && rc == 0);
	}
	return rc;
}

static int run_script(struct shell *sh, const struct opts *o)
{
	int rc = 0;

	if (o->n_cmds)
		rc = run_cmds(sh, o);
	if (rc == 0 && o->file) {
		FILE *f = fopen(o->file, "r");

		if (!f) {
			fprintf(stderr, "ikesh: %s: %s\n", o->file, strerror(errno));
			return shell_script_finish(sh, true);
		}
		rc = shell_script_stream(sh, f, o->file);
		fclose(f);
	} else if (rc == 0 && !o->n_cmds) {
		rc = shell_script_stream(sh, stdin, "<stdin>");
	}
	return shell_script_finish(sh, rc < 0);
}

/* Why the engine did not open, in words for the person who ran ikesh. */
static const char *open_error(int rc)
{
	switch (rc) {
	case -EUSERS:
		return "ikeshd refused the session: this user has as many sessions open as "
		       "allowed";
	case -EAGAIN:
		return "ikeshd refused the session: every session slot open to this user is in "
		       "use; try again later";
	default:
		return strerror(-rc);
	}
}

static unsigned tty_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* The page length: the window's height, 24 when it does not say. */
static unsigned tty_height(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row > 512 ? 512 : ws.ws_row;
	return 24;
}

int main(int argc, char **argv)
{
	struct shell sh = {0};
	struct opts o = {0};
	struct eng_diag diag = {0};
	struct eng_opts eo = {0};
	struct eng_runtime_opts rt = {0};
	struct passwd *pw;
	char uidbuf[32];
	const char *user;
	int rc, status = 1;

	no_core_dumps();
	signal(SIGPIPE, SIG_IGN);
	if (parse_opts(argc, argv, &o) < 0) {
		free_cmds(&o);
		return 2;
	}
	sh.script =
	    o.n_cmds || o.file || o.check || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO);
	sh.check_only = o.check;
	sh.term.interactive = !sh.script;
	sh.term.length = sh.script ? 0 : tty_height();
	sh.term.width = sh.script ? 0 : tty_width();
	if (sh.script)
		sh.io = (struct cmd_io){script_out, script_err, script_ask, &sh,
					&sh.term,   NULL,	NULL,	    NULL};
	else
		shell_tty_io(&sh);

	eo.state_dir = o.state_dir;
	eo.run_dir = o.run_dir;
	eo.codec = cmd_codec();
	eo.log = shell_log;
	eo.log_arg = &sh;
	/* ikeshd's engine when it runs, so every session shares one */
	eo.daemon = true;
	/* A script runs and ends; only a session that stays negotiates. */
	if (!sh.script && !o.no_ike) {
		rt.ike_port = o.ike_port;
		rt.natt_port = o.ike_port ? (uint16_t)(o.ike_port + 1) : 0;
		rt.peer_port = o.ike_port;
		rt.peer_natt_port = rt.natt_port;
		eo.runtime = &rt;
	}
	rc = eng_open(&eo, &sh.eng, &diag);
	for (size_t i = 0; i < diag.n; i++)
		shell_fput_safe(stderr, diag.lines[i]);
	eng_diag_free(&diag);
	if (rc < 0) {
		fprintf(stderr, "ikesh: cannot open the engine (state %s, run %s): %s\n",
			o.state_dir, o.run_dir, open_error(rc));
		goto out;
	}
	pw = getpwuid(getuid());
	if (pw && pw->pw_name)
		user = pw->pw_name;
	else
		user = (snprintf(uidbuf, sizeof(uidbuf), "uid%u", (unsigned)getuid()), uidbuf);
	rc = eng_sess_open(sh.eng, user, ENG_ROLE_ADMIN, &sh.es);
	if (rc < 0) {
		fprintf(stderr, "ikesh: cannot open a session: %s\n", strerror(-rc));
		goto out_eng;
	}
	/* the console is shown the log from the start (IOS: logging console) */
	if (sh.term.interactive && shell_is_console(ttyname(STDIN_FILENO))) {
		sh.term.monitor = true;
		eng_sess_monitor(sh.es, true);
	}
	rc = cmd_sess_new(sh.es, &sh.io, &sh.cs);
	if (rc < 0) {
		fprintf(stderr, "ikesh: cannot start the command layer: %s\n", strerror(-rc));
		goto out_sess;
	}
	if (sh.script) {
		status = run_script(&sh, &o);
		shell_script_free(&sh);
	} else
		status = shell_tty_run(&sh);
	fflush(stdout);
	cmd_sess_free(sh.cs);
out_sess:
	eng_sess_close(sh.es);
out_eng:
	eng_close(sh.eng);
out:
	free_cmds(&o);
	return status;
}
