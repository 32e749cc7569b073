/*
 * show_crypto.c - tunnel status: show crypto ..., show ipsec tunnel, clear crypto ...
 *
 * The line shapes follow the IOS-XE crypto output operators and their
 * parsers already read; what IOS lacks (why a tunnel is down, counters
 * kept across rekeys) is added as extra lines, never by changing theirs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "json.h"

static int load_status(struct cmd_sess *cs, const char *name, struct eng_tunnel_status **v,
		       size_t *n)
{
	int rc = eng_tunnel_status(cs->es, name, v, n);

	if (rc == -ENOENT)
		cmd_error(cs, "No tunnel named %s", name ? name : "");
	else if (rc)
		cmd_fail(cs, rc, "show");
	return rc;
}

typedef void (*json_status_fn)(struct json *j, const struct eng_tunnel_status *v, size_t n,
			       time_t now);

/* `| json`: the same status, as an object. */
static int json_status(struct cmd_sess *cs, json_status_fn fn, struct eng_tunnel_status *v,
		       size_t n)
{
	struct json j = {0};

	fn(&j, v, n, time(NULL));
	free(v);
	return cmd_json_emit(cs, &j);
}

/* Always fills buf (callers print the buffer again later). */
static const char *addr(const struct eng_addr *a, char *buf, size_t len)
{
	if (!a->family) {
		snprintf(buf, len, "any");
		return buf;
	}
	return eng_addr_str(a, buf, len);
}

/* "10.1.0.0/255.255.255.0" for IPv4, "2001:db8::/64" for IPv6. */
static const char *ident(const struct eng_prefix *p, char *buf, size_t len)
{
	char a[64];

	if (!p->addr.family)
		return "0.0.0.0/0.0.0.0";
	eng_addr_str(&p->addr, a, sizeof(a));
	if (p->addr.family == AF_INET) {
		uint32_t m = p->len ? htonl(0xffffffffu << (32 - p->len)) : 0;
		char mask[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &m, mask, sizeof(mask));
		snprintf(buf, len, "%s/%s", a, mask);
	} else {
		snprintf(buf, len, "%s/%u", a, p->len);
	}
	return buf;
}

static void ike_encr_text(uint8_t e, char *buf, size_t len)
{
	switch (e) {
	case ENG_ENCR_AES128:
	case ENG_ENCR_AES192:
	case ENG_ENCR_AES256:
		snprintf(buf, len, "AES-CBC, keysize: %d",
			 e == ENG_ENCR_AES128	? 128
			 : e == ENG_ENCR_AES192 ? 192
						: 256);
		break;
	case ENG_ENCR_AES128_GCM:
	case ENG_ENCR_AES256_GCM:
		snprintf(buf, len, "AES-GCM, keysize: %d", e == ENG_ENCR_AES128_GCM ? 128 : 256);
		break;
	case ENG_ENCR_CHACHA20_POLY1305:
		snprintf(buf, len, "CHACHA20-POLY1305, keysize: 256");
		break;
	case ENG_ENCR_3DES:
		snprintf(buf, len, "3DES, keysize: 192");
		break;
	default:
		snprintf(buf, len, "none, keysize: 0");
	}
}

static const char *prf_text(uint8_t h)
{
	static const char *names[ENG_HASH_COUNT] = {"None",   "MD5",	"SHA1",
						    "SHA256", "SHA384", "SHA512"};

	return h < ENG_HASH_COUNT ? names[h] : "?";
}

static const char *integ_text(uint8_t h)
{
	static const char *names[ENG_HASH_COUNT] = {"None",   "MD596",	"SHA96",
						    "SHA256", "SHA384", "SHA512"};

	return h < ENG_HASH_COUNT ? names[h] : "?";
}

/* "esp-256-aes esp-sha256-hmac" */
static void transform_text(const struct eng_child_status *c, char *buf, size_t len)
{
	const char *p = c->proto == ENG_PROTO_AH ? "ah" : "esp";
	char e[32] = "", i[32] = "";

	switch (c->encr) {
	case ENG_ENCR_AES128:
	case ENG_ENCR_AES192:
	case ENG_ENCR_AES256:
		snprintf(e, sizeof(e), "%s-%d-aes ", p,
			 c->encr == ENG_ENCR_AES128   ? 128
			 : c->encr == ENG_ENCR_AES192 ? 192
						      : 256);
		break;
	case ENG_ENCR_AES128_GCM:
	case ENG_ENCR_AES256_GCM:
		snprintf(e, sizeof(e), "%s-gcm %d ", p, c->encr == ENG_ENCR_AES128_GCM ? 128 : 256);
		break;
	case ENG_ENCR_CHACHA20_POLY1305:
		snprintf(e, sizeof(e), "%s-chacha20-poly1305 ", p);
		break;
	case ENG_ENCR_3DES:
		snprintf(e, sizeof(e), "%s-3des ", p);
		break;
	case ENG_ENCR_NULL:
		snprintf(e, sizeof(e), "%s-null ", p);
		break;
	}
	if (c->integ)
		snprintf(i, sizeof(i), "%s-%s-hmac ", p,
			 c->integ == ENG_HASH_SHA1 ? "sha" : eng_hash_name(c->integ));
	snprintf(buf, len, "%s%s,", e, i);
}

/* Kilobytes left before the volume limit, 0 without one (as IOS prints). */
static uint64_t kb_left(const struct eng_child_status *c, const struct eng_sa_count *k)
{
	uint64_t used = k->bytes / 1024;

	return c->lifetime_kb > used ? c->lifetime_kb - used : 0;
}

static long age(time_t since)
{
	time_t now = time(NULL);

	return since && now > since ? (long)(now - since) : 0;
}

static long remaining(time_t since, uint32_t lifetime)
{
	long a = age(since);

	return lifetime > a ? (long)lifetime - a : 0;
}

/* ---- show crypto ikev2 sa [detail] ---------------------------------------- */

static const char *ike_sa_state_text(uint8_t st)
{
	return st == ENG_IKE_SA_READY ? "READY" : st == ENG_IKE_SA_DELETING ? "DELETE" : "IN-NEG";
}

static void spi_hex(const uint8_t spi[8], char buf[17])
{
	for (int i = 0; i < 8; i++)
		snprintf(buf + 2 * i, 3, "%02X", spi[i]);
}

/* A tunnel's status from an engine without the list: its current SA only. */
static void ike_sa_from_tunnel(const struct eng_tunnel_status *s, struct eng_ike_sa_status *a)
{
	memset(a, 0, sizeof(*a));
	a->state = ENG_IKE_SA_READY;
	a->current = true;
	a->initiator = s->initiator;
	a->nat_local = s->nat_local;
	a->nat_remote = s->nat_remote;
	a->local = s->local;
	a->remote = s->remote;
	a->local_port = s->local_port;
	a->remote_port = s->remote_port;
	memcpy(a->spi_i, s->spi_i, 8);
	memcpy(a->spi_r, s->spi_r, 8);
	a->ike_encr = s->ike_encr;
	a->ike_integ = s->ike_integ;
	a->ike_prf = s->ike_prf;
	a->ike_group = s->ike_group;
	a->created = s->ike_established;
}

static void ike_sa_block(struct cmd_sess *cs, const struct eng_tunnel_status *s,
			 const struct eng_ike_sa_status *a, bool detail)
{
	char l[64], r[64], lp[80], rp[80], enc[64], ls[17], rs[17];

	snprintf(lp, sizeof(lp), "%s/%u", addr(&a->local, l, sizeof(l)), a->local_port);
	snprintf(rp, sizeof(rp), "%s/%u", addr(&a->remote, r, sizeof(r)), a->remote_port);
	cmd_out(cs, "%-9" PRIu32 " %-21s %-21s %-20s %s", s->tunnel_id, lp, rp, "none/none",
		ike_sa_state_text(a->state));
	ike_encr_text(a->ike_encr, enc, sizeof(enc));
	cmd_out(cs,
		"      Encr: %s, PRF: %s, Hash: %s, DH Grp:%u, Auth sign: %s, "
		"Auth verify: %s",
		enc, prf_text(a->ike_prf), integ_text(a->ike_integ), a->ike_group,
		s->auth_sign[0] ? s->auth_sign : "PSK", s->auth_verify[0] ? s->auth_verify : "PSK");
	cmd_out(cs, "      Life/Active Time: %" PRIu32 "/%ld sec", s->ike_lifetime,
		age(a->current && s->ike_established ? s->ike_established : a->created));
	if (!detail)
		return;
	cmd_out(cs, "      Tunnel: %s", s->name);
	cmd_out(cs, "      Status Description: %s",
		a->state == ENG_IKE_SA_READY	  ? "Negotiation done"
		: a->state == ENG_IKE_SA_DELETING ? "Deleting"
						  : "Negotiation in progress");
	spi_hex(a->initiator ? a->spi_i : a->spi_r, ls);
	spi_hex(a->initiator ? a->spi_r : a->spi_i, rs);
	cmd_out(cs, "      Local spi: %s       Remote spi: %s", ls, rs);
	if (s->dpd_interval)
		cmd_out(cs, "      DPD configured for %" PRIu32 " seconds, retry %" PRIu32,
			s->dpd_interval, s->dpd_timeout / s->dpd_interval);
	else
		cmd_out(cs, "      DPD is disabled");
	if (a->nat_local || a->nat_remote)
		cmd_out(cs, "      NAT-T is detected %s", a->nat_local ? "inside" : "outside");
	else
		cmd_out(cs, "      NAT-T is not detected");
	cmd_out(cs, "      Initiator of SA : %s", a->initiator ? "Yes" : "No");
}

static int show_ikev2_sa(struct cmd_sess *cs, const struct cmd_args *a)
{
	bool detail = cmd_arg_get(a, "detail") != NULL;
	struct eng_tunnel_status *v;
	size_t n;
	int rc = load_status(cs, NULL, &v, &n);

	if (rc)
		return rc;
	if (cmd_json(cs))
		return json_status(cs, jw_ike_sas, v, n);
	for (int fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0) {
		bool header = false;

		for (size_t i = 0; i < n; i++) {
			const struct eng_tunnel_status *s = &v[i];
			struct eng_ike_sa_status one;
			const struct eng_ike_sa_status *sas = s->ike_sa;
			size_t k =
			    s->n_ike_sa < ENG_STATUS_IKE_SAS ? s->n_ike_sa : ENG_STATUS_IKE_SAS;

			if (k == 0 && s->ike_up) {
				ike_sa_from_tunnel(s, &one);
				sas = &one;
				k = 1;
			}
			for (size_t j = 0; j < k; j++) {
				if (sas[j].local.family != fam)
					continue;
				if (!header) {
					cmd_out(cs, "%s Crypto IKEv2  SA",
						fam == AF_INET ? "IPv4" : "IPv6");
					cmd_out(cs, "%s", "");
					cmd_out(
					    cs,
					    "Tunnel-id Local                 Remote                "
					    "fvrf/ivrf            Status");
					header = true;
				}
				ike_sa_block(cs, s, &sas[j], detail);
			}
		}
		if (header)
			cmd_out(cs, "%s", "");
	}
	free(v);
	return 0;
}

/* ---- show crypto ipsec sa [tunnel NAME] [detail] --------------------------- */

static void ipsec_sa_block(struct cmd_sess *cs, const struct eng_tunnel_status *s, bool detail)
{
	char l[64], r[64], buf[128];

	for (size_t i = 0; i < s->n_child; i++) {
		const struct eng_child_status *c = &s->child[i];
		const char *mode = c->mode == ENG_MODE_TRANSPORT ? "Transport" : "Tunnel";
		const char *p = c->proto == ENG_PROTO_AH ? "ah" : "esp";

		cmd_out(cs, "interface: %s", s->name);
		cmd_out(cs, "    Crypto map tag: %s, local addr %s", s->name,
			addr(&s->local, l, sizeof(l)));
		cmd_out(cs, "   local  ident (addr/mask/prot/port): (%s/0/0)",
			ident(&c->local_ts, buf, sizeof(buf)));
		cmd_out(cs, "   remote ident (addr/mask/prot/port): (%s/0/0)",
			ident(&c->remote_ts, buf, sizeof(buf)));
		cmd_out(cs, "   current_peer %s port %u", addr(&s->remote, r, sizeof(r)),
			s->remote_port);
		cmd_out(cs,
			"    #pkts encaps: %" PRIu64 ", #pkts encrypt: %" PRIu64
			", #pkts digest: %" PRIu64,
			c->out.packets, c->out.packets, c->out.packets);
		cmd_out(cs,
			"    #pkts decaps: %" PRIu64 ", #pkts decrypt: %" PRIu64
			", #pkts verify: %" PRIu64,
			c->in.packets, c->in.packets, c->in.packets);
		cmd_out(cs, "    #send errors 0, #recv errors %" PRIu64,
			c->in.replay_errors + c->in.integrity_errors);
		cmd_out(cs, "     local crypto endpt.: %s, remote crypto endpt.: %s", l, r);
		cmd_out(cs, "     current outbound spi: 0x%08" PRIX32 "(%" PRIu32 ")", c->spi_out,
			c->spi_out);
		if (c->pfs_group)
			cmd_out(cs, "     PFS (Y/N): Y, DH group: group%u", c->pfs_group);
		else
			cmd_out(cs, "     PFS (Y/N): N, DH group: none");
		for (int dir = 0; dir < 2; dir++) {
			transform_text(c, buf, sizeof(buf));
			cmd_out(cs, "     %s %s sas:", dir ? "outbound" : "inbound", p);
			cmd_out(cs, "      spi: 0x%08" PRIX32 "(%" PRIu32 ")",
				dir ? c->spi_out : c->spi_in, dir ? c->spi_out : c->spi_in);
			cmd_out(cs, "        transform: %s", buf);
			cmd_out(cs, "        in use settings ={%s, }", mode);
			cmd_out(cs,
				"        sa timing: remaining key lifetime (k/sec): (%" PRIu64
				"/%ld)",
				kb_left(c, dir ? &c->out : &c->in),
				remaining(c->established, c->lifetime_s));
			cmd_out(cs, "        replay detection support: %s", dir ? "N" : "Y");
			cmd_out(cs, "        Status: ACTIVE");
			if (detail) {
				const struct eng_sa_count *k = dir ? &c->out : &c->in;

				cmd_out(cs,
					"        bytes: %" PRIu64 ", replay failures: %" PRIu64
					", integrity failures: %" PRIu64,
					k->bytes, k->replay_errors, k->integrity_errors);
			}
		}
		cmd_out(cs, "%s", "");
	}
}

static int show_ipsec_sa(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_tunnel_status *v;
	size_t n;
	int rc = load_status(cs, cmd_arg_get(a, "tunnel"), &v, &n);

	if (rc)
		return rc;
	if (cmd_json(cs))
		return json_status(cs, jw_ipsec_sas, v, n);
	for (size_t i = 0; i < n; i++) {
		ipsec_sa_block(cs, &v[i], cmd_arg_get(a, "detail") != NULL);
		if (cmd_arg_get(a, "detail") || v[i].n_child)
			cmd_out(cs,
				"   tunnel %s totals since commit: in %" PRIu64 " pkts %" PRIu64
				" bytes, out %" PRIu64 " pkts %" PRIu64 " bytes",
				v[i].name, v[i].total_in.packets, v[i].total_in.bytes,
				v[i].total_out.packets, v[i].total_out.bytes);
	}
	free(v);
	return 0;
}

/* ---- show crypto session [detail] ----------------------------------------- */

static int show_session(struct cmd_sess *cs, const struct cmd_args *a)
{
	bool detail = cmd_arg_get(a, "detail") != NULL;
	struct eng_tunnel_status *v;
	size_t n;
	int rc = load_status(cs, NULL, &v, &n);
	char l[64], r[64], lb[128], rb[128];

	if (rc)
		return rc;
	if (cmd_json(cs))
		return json_status(cs, jw_sessions, v, n);
	cmd_out(cs, "Crypto session current status");
	cmd_out(cs, "%s", "");
	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel_status *s = &v[i];
		const char *st = session_status_name(s->state);

		cmd_out(cs, "Interface: %s", s->name);
		cmd_out(cs, "Session status: %s", st);
		if (!s->ike_up) {
			if (s->reason[0])
				cmd_out(cs, "  Reason: %s", s->reason);
			cmd_out(cs, "%s", "");
			continue;
		}
		cmd_out(cs, "Peer: %s port %u", addr(&s->remote, r, sizeof(r)), s->remote_port);
		cmd_out(cs, "  IKEv2 SA: local %s/%u remote %s/%u Active",
			addr(&s->local, l, sizeof(l)), s->local_port, r, s->remote_port);
		for (size_t j = 0; j < s->n_child; j++) {
			const struct eng_child_status *c = &s->child[j];

			cmd_out(cs, "  IPSEC FLOW: permit ip %s %s",
				ident(&c->local_ts, lb, sizeof(lb)),
				ident(&c->remote_ts, rb, sizeof(rb)));
			cmd_out(cs, "        Active SAs: 2, origin: crypto map");
			if (!detail)
				continue;
			cmd_out(cs,
				"        Inbound:  #pkts dec'ed %" PRIu64 " drop %" PRIu64
				" life (KB/Sec) %" PRIu64 "/%ld",
				c->in.packets, c->in.replay_errors + c->in.integrity_errors,
				kb_left(c, &c->in), remaining(c->established, c->lifetime_s));
			cmd_out(cs,
				"        Outbound: #pkts enc'ed %" PRIu64 " drop 0 life (KB/Sec) "
				"%" PRIu64 "/%ld",
				c->out.packets, kb_left(c, &c->out),
				remaining(c->established, c->lifetime_s));
		}
		cmd_out(cs, "%s", "");
	}
	free(v);
	return 0;
}

/* ---- icmp-detect's watchdog ----------------------------------------------- */

static void watchdog_lines(struct cmd_sess *cs, const struct eng_tunnel_status *s)
{
	char state[48];

	if (s->icmp.state == ENG_ICMP_IDLE)
		snprintf(state, sizeof(state), "waiting for the tunnel to be up");
	else if (s->icmp.state == ENG_ICMP_MISSING)
		snprintf(state, sizeof(state), "%u ping(s) unanswered", (unsigned)s->icmp.misses);
	else
		snprintf(state, sizeof(state), "answering");
	cmd_out(cs,
		"  ICMP watchdog: %s; sent %" PRIu64 ", answered %" PRIu64 ", lost %" PRIu64
		", restarts %" PRIu64,
		state, s->icmp.sent, s->icmp.answered, s->icmp.lost, s->icmp.restarts);
	if (s->icmp.last[0])
		cmd_out(cs, "    Last restart: %s", s->icmp.last);
}

/* ---- show firewall ------------------------------------------------------- */

/* A tunnel's firewall-rule: installed and its rules, or why not. */
static void firewall_lines(struct cmd_sess *cs, const struct eng_tunnel_status *s, const char *head,
			   const char *indent)
{
	const char *p = s->firewall;
	size_t rules = 0;

	if (!s->fw_installed) {
		cmd_out(cs, "%s%s", head, s->firewall);
		return;
	}
	for (const char *q = p; *q; q++)
		rules += *q == '\n';
	cmd_out(cs, "%sinstalled in table inet ikesh, %zu rules", head, rules);
	while (*p) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);

		cmd_out(cs, "%s%.*s", indent, len, p);
		p += len + (e ? 1 : 0);
	}
}

static int show_firewall(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_tunnel_status *v;
	size_t n, shown = 0;
	int rc = load_status(cs, NULL, &v, &n);

	(void)a;
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].firewall[0])
			continue;
		if (!shown++)
			cmd_out(cs, "table inet ikesh (kept by the engine for firewall-rule)");
		cmd_out(cs, "Tunnel %s", v[i].name);
		firewall_lines(cs, &v[i], "  ", "    ");
		cmd_out(cs, "%s", "");
	}
	if (!shown)
		cmd_out(cs, "No tunnel has firewall-rule: the engine keeps no nftables table.");
	free(v);
	return 0;
}

/* ---- show ipsec tunnel [NAME] --------------------------------------------- */

static int show_tunnel(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_tunnel_status *v;
	size_t n;
	int rc = load_status(cs, cmd_arg_get(a, "name"), &v, &n);
	char l[64], r[64], when[32];

	if (rc)
		return rc;
	if (cmd_json(cs))
		return json_status(cs, jw_tunnels, v, n);
	if (!n)
		cmd_out(cs, "No tunnels are configured.");
	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel_status *s = &v[i];

		cmd_out(cs, "Tunnel %s", s->name);
		cmd_out(cs, "  State: %s", eng_tun_state_name(s->state));
		if (s->reason[0]) {
			struct tm tm;

			if (s->reason_at && localtime_r(&s->reason_at, &tm))
				strftime(when, sizeof(when), " (since %Y-%m-%d %H:%M:%S)", &tm);
			else
				when[0] = '\0';
			cmd_out(cs, "  %s: %s%s",
				s->state == ENG_TUN_UP ? "Last failure" : "Reason", s->reason,
				when);
		}
		if (s->ike_up) {
			char enc[64];

			ike_encr_text(s->ike_encr, enc, sizeof(enc));
			cmd_out(cs, "  IKEv2 SA: %s/%u -> %s/%u, %s, up %ld s",
				addr(&s->local, l, sizeof(l)), s->local_port,
				addr(&s->remote, r, sizeof(r)), s->remote_port,
				s->initiator ? "initiator" : "responder", age(s->ike_established));
			cmd_out(cs, "    Encr: %s, PRF: %s, Hash: %s, DH Grp:%u", enc,
				prf_text(s->ike_prf), integ_text(s->ike_integ), s->ike_group);
		}
		if (s->not_in_effect[0])
			cmd_out(cs, "  Not in effect yet: %s", s->not_in_effect);
		if (s->firewall[0])
			firewall_lines(cs, s, "  Firewall: ", "    ");
		if (s->icmp.state)
			watchdog_lines(cs, s);
		cmd_out(cs, "  IPsec SAs: %zu", s->n_child);
		for (size_t j = 0; j < s->n_child; j++) {
			const struct eng_child_status *c = &s->child[j];
			char lb[128], rb[128];

			cmd_out(cs, "    in 0x%08" PRIX32 " out 0x%08" PRIX32 "  %s <-> %s",
				c->spi_in, c->spi_out, ident(&c->local_ts, lb, sizeof(lb)),
				ident(&c->remote_ts, rb, sizeof(rb)));
		}
		cmd_out(cs,
			"  Traffic since commit: in %" PRIu64 " packets (%" PRIu64
			" bytes), out %" PRIu64 " packets (%" PRIu64 " bytes)",
			s->total_in.packets, s->total_in.bytes, s->total_out.packets,
			s->total_out.bytes);
	}
	free(v);
	return 0;
}

/* ---- show crypto ikev2 stats ----------------------------------------------- */

static int show_ikev2_stats(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_ike_stats st;
	int rc = eng_ike_stats(cs->es, &st);

	if (rc)
		return cmd_fail(cs, rc, "show crypto ikev2 stats");
	if (cmd_json(cs)) {
		struct json j = {0};

		jw_ike_stats(&j, &st);
		return cmd_json_emit(cs, &j);
	}
	cmd_out(cs,
		"--------------------------------------------------------------------------------");
	cmd_out(cs, "                              Crypto IKEv2 SA Statistics");
	cmd_out(cs,
		"--------------------------------------------------------------------------------");
	cmd_out(cs, "Total IKE SA Count             : %u", st.ike_active + st.ike_negotiating);
	cmd_out(cs, "active                         : %u", st.ike_active);
	cmd_out(cs, "negotiating                    : %u", st.ike_negotiating);
	cmd_out(cs, "  half-open (as responder)     : %u", st.ike_half_open);
	cmd_out(cs, "Messages received              : %" PRIu64, st.rx);
	cmd_out(cs, "Messages sent                  : %" PRIu64, st.tx);
	cmd_out(cs, "Messages dropped (invalid)     : %" PRIu64, st.dropped);
	cmd_out(cs, "Retransmissions                : %" PRIu64, st.retransmits);
	cmd_out(cs, "Requests answered from cache   : %" PRIu64, st.resp_from_cache);
	cmd_out(cs, "Cookie challenges sent         : %" PRIu64, st.cookies_sent);
	cmd_out(cs, "Cookies echoed                 : %" PRIu64, st.cookies_accepted);
	cmd_out(cs, "Refused: half-open per address : %" PRIu64, st.refused_per_peer);
	cmd_out(cs, "Refused: half-open per prefix  : %" PRIu64, st.refused_per_prefix);
	cmd_out(cs, "Refused: half-open in all      : %" PRIu64, st.refused_half_open_max);
	cmd_out(cs, "Half-open dropped for a newer  : %" PRIu64, st.half_open_evicted);
	cmd_out(cs, "Refused: IKE_SA_INIT too long  : %" PRIu64, st.refused_too_long);
	cmd_out(cs, "Replies held back (rate limit) : %" PRIu64, st.replies_rate_limited);
	cmd_out(cs, "INVALID_KE_PAYLOAD sent        : %" PRIu64, st.invalid_ke_sent);
	cmd_out(cs, "NO_PROPOSAL_CHOSEN sent        : %" PRIu64, st.no_proposal_sent);
	cmd_out(cs, "TS_UNACCEPTABLE sent           : %" PRIu64, st.ts_unacceptable_sent);
	cmd_out(cs, "INVALID_SYNTAX sent            : %" PRIu64, st.invalid_syntax_sent);
	cmd_out(cs, "Other error notifies sent      : %" PRIu64, st.other_error_sent);
	cmd_out(cs, "Authentication failures        : %" PRIu64, st.auth_failed);
	cmd_out(cs, "IKE SAs established            : %" PRIu64, st.ike_established);
	cmd_out(cs, "IKE SAs rekeyed                : %" PRIu64, st.ike_rekeyed);
	cmd_out(cs, "CHILD SAs installed            : %" PRIu64, st.child_installed);
	cmd_out(cs, "CHILD SAs rekeyed              : %" PRIu64, st.child_rekeyed);
	return 0;
}

/* ---- clear crypto ... ------------------------------------------------------- */

static int clear_result(struct cmd_sess *cs, int rc, const char *tunnel, const char *what)
{
	if (rc == -ENOENT) {
		cmd_error(cs, "No tunnel named %s", tunnel ? tunnel : "");
		return rc;
	}
	if (rc == -EPERM) {
		cmd_denied(cs);
		return rc;
	}
	return rc ? cmd_fail(cs, rc, what) : 0;
}

static int clear_ike(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *t = cmd_arg_get(a, "tunnel");

	return clear_result(cs, eng_clear_ike_sa(cs->es, t), t, "clear crypto ikev2 sa");
}

static int clear_ipsec(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *t = cmd_arg_get(a, "tunnel");

	return clear_result(cs, eng_clear_child_sa(cs->es, t), t, "clear crypto ipsec sa");
}

static int clear_counters(struct cmd_sess *cs, const struct cmd_args *a)
{
	return clear_result(cs, eng_clear_counters(cs->es), NULL, "clear crypto ipsec sa counters");
}

static int clear_peer(struct cmd_sess *cs, const char *text)
{
	struct eng_addr addr;
	int rc;

	if (eng_addr_parse(text, &addr)) {
		cmd_error(cs, "%s is not an IPv4 or IPv6 address", text);
		return -EINVAL;
	}
	rc = eng_clear_peer(cs->es, &addr);
	if (rc == -ENOENT) {
		cmd_error(cs, "No IKE SA with peer %s", text);
		return rc;
	}
	return clear_result(cs, rc, NULL, "clear crypto");
}

static int clear_ike_or_peer(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *peer = cmd_arg_get(a, "peer");

	if (peer && cmd_arg_get(a, "tunnel")) {
		cmd_error(cs, "Give a tunnel or a peer, not both");
		return -EINVAL;
	}
	return peer ? clear_peer(cs, peer) : clear_ike(cs, a);
}

static int clear_session(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *remote = cmd_arg_get(a, "remote");

	return remote ? clear_peer(cs, remote) : clear_ike(cs, a);
}

/* ---- debug / undebug ---------------------------------------------------------- */

static const struct {
	const char *word;
	unsigned flags;
	const char *name; /* for show debugging */
} debug_words[] = {
    {"ikev2", ENG_DEBUG_IKE_ERROR | ENG_DEBUG_IKE_DETAIL, NULL},
    {"error", ENG_DEBUG_IKE_ERROR, "Crypto IKEv2 error debugging is on"},
    {"packet", ENG_DEBUG_IKE_PACKET, "Crypto IKEv2 packet debugging is on"},
    {"detail", ENG_DEBUG_IKE_DETAIL, "Crypto IKEv2 detail debugging is on"},
    {"ipsec", ENG_DEBUG_IPSEC, "Crypto IPsec debugging is on"},
    {"xfrm", ENG_DEBUG_XFRM, "Kernel XFRM debugging is on"},
    {"pki", ENG_DEBUG_PKI, "Crypto PKI debugging is on"},
    {"all", ENG_DEBUG_ALL, NULL},
};

/* The command word says what, the root word on or off: `debug` on,
 * `undebug` and `no debug` off. */
static int debug_set(struct cmd_sess *cs, const struct cmd_args *a)
{
	const struct cli_command *root = a->cmd;
	unsigned flags = 0;
	bool on;
	int rc;

	while (root->parent)
		root = root->parent;
	on = strcmp(root->command, "debug") == 0;
	for (size_t i = 0; i < sizeof(debug_words) / sizeof(debug_words[0]); i++)
		if (strcmp(a->cmd->command, debug_words[i].word) == 0)
			flags = debug_words[i].flags;
	rc = eng_debug_set(cs->es, flags, on);
	if (rc == -EPERM) {
		cmd_denied(cs);
		return rc;
	}
	if (rc)
		return cmd_fail(cs, rc, "debug");
	if (!on && flags == ENG_DEBUG_ALL)
		cmd_out(cs, "All possible debugging has been turned off");
	else if (on && (!cs->io.term || !cs->io.term->monitor))
		cmd_out(cs, "%% Debug output goes to sessions with `terminal monitor`");
	return 0;
}

static int show_debugging(struct cmd_sess *cs, const struct cmd_args *a)
{
	unsigned on = eng_debug_get(eng_sess_engine(cs->es));

	if (cmd_json(cs)) {
		struct json j = {0};

		json_obj_open(&j, NULL);
		json_arr_open(&j, "debugging");
		for (size_t i = 0; i < sizeof(debug_words) / sizeof(debug_words[0]); i++)
			if (debug_words[i].name && (on & debug_words[i].flags))
				json_str(&j, NULL, debug_words[i].name);
		json_arr_close(&j);
		json_obj_close(&j);
		return cmd_json_emit(cs, &j);
	}

	cmd_out(cs, "Debugging:");
	for (size_t i = 0; i < sizeof(debug_words) / sizeof(debug_words[0]); i++)
		if (debug_words[i].name && (on & debug_words[i].flags))
			cmd_out(cs, "  %s", debug_words[i].name);
	if (!on)
		cmd_out(cs, "  none");
	return 0;
}

static void debug_register(struct cli_def *cli, const char *root_word, int m)
{
	bool on = strcmp(root_word, "debug") == 0;
	struct cli_command *root, *crypto, *ike, *kern;

	root = cmd_node(cli, NULL, root_word, m, true,
			on ? "Debugging functions (output with terminal monitor)"
			: strcmp(root_word, "no") == 0 ? "Negate a command"
						       : "Disable debugging functions");
	if (strcmp(root_word, "no") == 0) /* IOS: `no debug ...` is `undebug ...` */
		root = cmd_node(cli, root, "debug", m, true, "Disable debugging functions");
	crypto = cmd_node(cli, root, "crypto", m, true, "Cryptographic subsystem");
	ike = cmd_leaf(cli, crypto, "ikev2", m, true, "IKEv2 errors and decisions", debug_set);
	cmd_leaf(cli, ike, "error", m, true, "Messages dropped and why", debug_set);
	cmd_leaf(cli, ike, "packet", m, true, "Each IKEv2 message in and out", debug_set);
	cmd_leaf(cli, ike, "detail", m, true, "Decisions of the runtime", debug_set);
	cmd_leaf(cli, crypto, "ipsec", m, true, "IPsec SAs installed and removed", debug_set);
	cmd_leaf(cli, crypto, "pki", m, true, "Certificate chains and their verification",
		 debug_set);
	kern = cmd_node(cli, root, "kernel", m, true, "Kernel interface");
	cmd_leaf(cli, kern, "xfrm", m, true, "Each XFRM operation", debug_set);
	if (!on)
		cmd_leaf(cli, root, "all", m, true, "Every debug", debug_set);
}

void cmds_crypto_register(struct cli_def *cli, struct cli_command *show, int m)
{
	struct cli_command *crypto, *ikev2, *ipsec, *c, *clear, *cc, *cipsec;

	crypto = cmd_node(cli, show, "crypto", m, false, "Encryption module");
	cmds_pki_register(cli, crypto, m);
	ikev2 = cmd_node(cli, crypto, "ikev2", m, false, "Crypto IKEv2 information");
	c = cmd_leaf(cli, ikev2, "sa", m, false, "IKEv2 security associations", show_ikev2_sa);
	cmd_argflag(c, "detail", "Show more of each SA");
	cmd_leaf(cli, ikev2, "stats", m, false, "IKEv2 counters", show_ikev2_stats);
	ipsec = cmd_node(cli, crypto, "ipsec", m, false, "IPsec information");
	c = cmd_leaf(cli, ipsec, "sa", m, false, "IPsec security associations", show_ipsec_sa);
	cmd_argnamed(c, "tunnel", 0, "NAME One tunnel", val_name, comp_tunnel_names);
	cmd_argflag(c, "detail", "Show more of each SA");
	c = cmd_leaf(cli, crypto, "session", m, false, "Sessions per peer", show_session);
	cmd_argflag(c, "detail", "Show traffic of each flow");
	ipsec = cmd_node(cli, show, "ipsec", m, false, "IPsec tunnels");
	c = cmd_leaf(cli, ipsec, "tunnel", m, false, "Tunnel state and why it is not up",
		     show_tunnel);
	cmd_argpos(c, "name", ARG_OPTIONAL, "NAME One tunnel", val_name, comp_tunnel_names);
	cmd_leaf(cli, show, "firewall", m, false, "The nftables rules kept for firewall-rule",
		 show_firewall);

	clear = cmd_node(cli, NULL, "clear", m, true, "Reset functions");
	cc = cmd_node(cli, clear, "crypto", m, true, "Encryption module");
	ikev2 = cmd_node(cli, cc, "ikev2", m, true, "IKEv2");
	c = cmd_leaf(cli, ikev2, "sa", m, true, "Delete IKE SAs (auto tunnels come back)",
		     clear_ike_or_peer);
	cmd_argnamed(c, "tunnel", 0, "NAME One tunnel", val_name, comp_tunnel_names);
	cmd_argnamed(c, "peer", 0, "A.B.C.D|X:X::X The IKE SAs with this peer", val_addr, NULL);
	cipsec = cmd_node(cli, cc, "ipsec", m, true, "IPsec");
	c = cmd_leaf(cli, cipsec, "sa", m, true, "Delete IPsec SAs (auto tunnels come back)",
		     clear_ipsec);
	cmd_argnamed(c, "tunnel", 0, "NAME One tunnel", val_name, comp_tunnel_names);
	cmd_leaf(cli, c, "counters", m, true, "Zero the traffic counters", clear_counters);
	c = cmd_leaf(cli, cc, "session", m, true, "Delete IKE and IPsec SAs", clear_session);
	cmd_argnamed(c, "remote", 0, "A.B.C.D|X:X::X The sessions with this peer", val_addr, NULL);

	debug_register(cli, "debug", m);
	debug_register(cli, "undebug", m);
	debug_register(cli, "no", m);
	cmd_leaf(cli, show, "debugging", m, false, "Debugging that is on", show_debugging);
}
