/*
 * show_ios.c - what IOS users type to look around: show clock, show
 * history, show ip interface brief.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "json.h"

/* ---- show clock --------------------------------------------------------- */

/* IOS: "17:43:12.345 UTC Thu Dec 3 2026" (local time, its zone) */
static int show_clock(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct timeval tv;
	struct tm tm;
	char hms[16], zone[16], date[32], text[128];

	gettimeofday(&tv, NULL);
	if (!localtime_r(&tv.tv_sec, &tm)) {
		cmd_err(cs, "%% Error: the clock cannot be read");
		return -EINVAL;
	}
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%Z", &tm);
	strftime(date, sizeof(date), "%a %b %e %Y", &tm);
	/* %e pads the day with a blank; IOS writes it without */
	char *day = strstr(date, "  ");
	if (day)
		memmove(day, day + 1, strlen(day));
	snprintf(text, sizeof(text), "%s.%03ld %s %s", hms, (long)(tv.tv_usec / 1000), zone, date);
	if (cmd_json(cs)) {
		struct json j = {0};

		json_obj_open(&j, NULL);
		json_i64(&j, "time", (int64_t)tv.tv_sec);
		json_str(&j, "text", text);
		json_str(&j, "timezone", zone);
		json_obj_close(&j);
		return cmd_json_emit(cs, &j);
	}
	cmd_out(cs, "%s", text);
	return 0;
}

/* ---- show history ------------------------------------------------------- */

#define HISTORY_SHOWN 256

static int show_history(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char **lines = calloc(HISTORY_SHOWN, sizeof(*lines));
	size_t n = 0;

	if (!lines)
		return cmd_fail(cs, -ENOMEM, "show history");
	if (cs->io.history)
		n = cs->io.history(cs->io.arg, lines, HISTORY_SHOWN);
	if (cmd_json(cs)) {
		struct json j = {0};

		json_obj_open(&j, NULL);
		json_arr_open(&j, "history");
		for (size_t i = 0; i < n; i++)
			json_str(&j, NULL, lines[i]);
		json_arr_close(&j);
		json_obj_close(&j);
		free(lines);
		return cmd_json_emit(cs, &j);
	}
	for (size_t i = 0; i < n; i++)
		if (cmd_out(cs, "  %s", lines[i]) < 0)
			break;
	free(lines);
	return 0;
}

/* ---- show ip interface brief ------------------------------------------ */

#define IFACES_MAX   256
#define IF_ADDRS_MAX 8

struct iface {
	char name[IF_NAMESIZE];
	unsigned flags;
	size_t n_addr;
	char addr[IF_ADDRS_MAX][INET_ADDRSTRLEN + 4]; /* "192.0.2.1/24" */
};

static unsigned prefix_len(const struct sockaddr *mask)
{
	uint32_t m = mask ? ntohl(((const struct sockaddr_in *)mask)->sin_addr.s_addr) : 0;
	unsigned n = 0;

	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return n;
}

static struct iface *iface_of(struct iface *v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	if (*n >= IFACES_MAX)
		return NULL;
	memset(&v[*n], 0, sizeof(v[0]));
	snprintf(v[*n].name, sizeof(v[0].name), "%s", name);
	return &v[(*n)++];
}

/* Every interface, in the kernel's order, with its IPv4 addresses. */
static int ifaces_load(struct iface *v, size_t *n)
{
	struct ifaddrs *list, *p;

	*n = 0;
	if (getifaddrs(&list) < 0)
		return -errno;
	for (p = list; p; p = p->ifa_next) {
		struct iface *f = p->ifa_name ? iface_of(v, n, p->ifa_name) : NULL;
		char a[INET_ADDRSTRLEN];

		if (!f)
			continue;
		f->flags = p->ifa_flags;
		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET || f->n_addr >= IF_ADDRS_MAX)
			continue;
		inet_ntop(AF_INET, &((const struct sockaddr_in *)p->ifa_addr)->sin_addr, a,
			  sizeof(a));
		snprintf(f->addr[f->n_addr++], sizeof(f->addr[0]), "%s/%u", a,
			 prefix_len(p->ifa_netmask));
	}
	freeifaddrs(list);
	return 0;
}

static const char *if_status(unsigned flags)
{
	return flags & IFF_UP ? "up" : "administratively down";
}

static const char *if_protocol(unsigned flags)
{
	return (flags & IFF_UP) && (flags & IFF_RUNNING) ? "up" : "down";
}

static int show_ip_brief(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct iface *v = calloc(IFACES_MAX, sizeof(*v));
	size_t n = 0;
	int rc;

	if (!v)
		return cmd_fail(cs, -ENOMEM, "show ip interface brief");
	rc = ifaces_load(v, &n);
	if (rc) {
		free(v);
		return cmd_fail(cs, rc, "show ip interface brief");
	}
	if (cmd_json(cs)) {
		struct json j = {0};

		json_obj_open(&j, NULL);
		json_arr_open(&j, "interfaces");
		for (size_t i = 0; i < n; i++) {
			json_obj_open(&j, NULL);
			json_str(&j, "name", v[i].name);
			json_arr_open(&j, "addresses");
			for (size_t k = 0; k < v[i].n_addr; k++)
				json_str(&j, NULL, v[i].addr[k]);
			json_arr_close(&j);
			json_str(&j, "status", if_status(v[i].flags));
			json_str(&j, "protocol", if_protocol(v[i].flags));
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_obj_close(&j);
		free(v);
		return cmd_json_emit(cs, &j);
	}
	cmd_out(cs, "%-22s %-18s %-21s %s", "Interface", "IP-Address", "Status", "Protocol");
	for (size_t i = 0; i < n; i++) {
		char addr[INET_ADDRSTRLEN + 4];

		/* IOS shows the address without its length; the first one */
		snprintf(addr, sizeof(addr), "%s", v[i].n_addr ? v[i].addr[0] : "unassigned");
		if (strchr(addr, '/'))
			*strchr(addr, '/') = '\0';
		if (cmd_out(cs, "%-22s %-18s %-21s %s", v[i].name, addr, if_status(v[i].flags),
			    if_protocol(v[i].flags)) < 0)
			break;
	}
	free(v);
	return 0;
}

void cmds_ios_register(struct cli_def *cli, struct cli_command *show, int m)
{
	struct cli_command *ip, *intf;

	cmd_leaf(cli, show, "clock", m, false, "Display the system clock", show_clock);
	cmd_leaf(cli, show, "history", m, false, "Lines typed in this session", show_history);
	ip = cmd_node(cli, show, "ip", m, false, "IP information");
	intf = cmd_node(cli, ip, "interface", m, false, "Interfaces and their addresses");
	cmd_leaf(cli, intf, "brief", m, false, "One line per interface", show_ip_brief);
	cmds_ping_register(cli, m);
}
