/*
 * show_json.c - the objects of `show ... | json`, written from the same
 * engine structs the text output prints (never by reading that text).
 * The shapes are listed in docs/json.md; a field once published keeps
 * its name and type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json.h"

const char *session_status_name(enum eng_tun_state st)
{
	switch (st) {
	case ENG_TUN_UP:
		return "UP-ACTIVE";
	case ENG_TUN_IKE_NO_CHILD:
		return "UP-IDLE";
	case ENG_TUN_CONNECTING:
		return "DOWN-NEGOTIATING";
	default:
		return "DOWN";
	}
}

static void j_addr(struct json *j, const char *key, const struct eng_addr *a)
{
	char buf[64];

	if (!a->family) {
		json_null(j, key);
		return;
	}
	json_str(j, key, eng_addr_str(a, buf, sizeof(buf)));
}

static void j_prefix(struct json *j, const char *key, const struct eng_prefix *p)
{
	char buf[80];

	if (!p->addr.family) {
		json_null(j, key);
		return;
	}
	json_str(j, key, eng_prefix_str(p, buf, sizeof(buf)));
}

/* A non-empty string, or null. */
static void j_opt_str(struct json *j, const char *key, const char *s)
{
	if (s && s[0])
		json_str(j, key, s);
	else
		json_null(j, key);
}

/* A number where 0 means "not set", or null. */
static void j_opt_u64(struct json *j, const char *key, uint64_t v)
{
	if (v)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

static void j_encr(struct json *j, const char *key, uint8_t e)
{
	if (e == ENG_ENCR_NONE)
		json_null(j, key);
	else
		json_str(j, key, eng_encr_name(e));
}

static void j_hash(struct json *j, const char *key, uint8_t h)
{
	if (h == ENG_HASH_NONE)
		json_null(j, key);
	else
		json_str(j, key, eng_hash_name(h));
}

static int64_t age(time_t since, time_t now)
{
	return since && now > since ? (int64_t)(now - since) : 0;
}

static int64_t remaining(time_t since, uint32_t lifetime, time_t now)
{
	int64_t a = age(since, now);

	return lifetime > a ? (int64_t)lifetime - a : 0;
}

static void j_spi64(struct json *j, const char *key, const uint8_t spi[8])
{
	char hex[17];

	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02X", spi[i]);
	json_str(j, key, hex);
}

static void j_count(struct json *j, const char *key, const struct eng_sa_count *k,
		    const struct eng_child_status *c)
{
	uint64_t used = k->bytes / 1024;

	json_obj_open(j, key);
	json_u64(j, "packets", k->packets);
	json_u64(j, "bytes", k->bytes);
	json_u64(j, "replay_errors", k->replay_errors);
	json_u64(j, "integrity_errors", k->integrity_errors);
	if (c && c->lifetime_kb)
		json_u64(j, "remaining_kilobytes",
			 c->lifetime_kb > used ? c->lifetime_kb - used : 0);
	else if (c)
		json_null(j, "remaining_kilobytes");
	json_obj_close(j);
}

static void j_traffic(struct json *j, const char *key, const struct eng_tunnel_status *s)
{
	json_obj_open(j, key);
	j_count(j, "in", &s->total_in, NULL);
	j_count(j, "out", &s->total_out, NULL);
	json_obj_close(j);
}

static void j_child(struct json *j, const struct eng_child_status *c, time_t now)
{
	json_obj_open(j, NULL);
	json_u64(j, "spi_in", c->spi_in);
	json_u64(j, "spi_out", c->spi_out);
	json_str(j, "protocol", c->proto == ENG_PROTO_AH ? "ah" : "esp");
	json_str(j, "mode", c->mode == ENG_MODE_TRANSPORT ? "transport" : "tunnel");
	j_encr(j, "encryption", c->encr);
	j_hash(j, "integrity", c->integ);
	j_opt_u64(j, "pfs_group", c->pfs_group);
	j_prefix(j, "local_subnet", &c->local_ts);
	j_prefix(j, "remote_subnet", &c->remote_ts);
	json_i64(j, "established", (int64_t)c->established);
	json_u64(j, "lifetime_seconds", c->lifetime_s);
	json_i64(j, "remaining_seconds", remaining(c->established, c->lifetime_s, now));
	j_opt_u64(j, "lifetime_kilobytes", c->lifetime_kb);
	j_count(j, "inbound", &c->in, c);
	j_count(j, "outbound", &c->out, c);
	json_obj_close(j);
}

static void j_children(struct json *j, const char *key, const struct eng_tunnel_status *s,
		       time_t now)
{
	json_arr_open(j, key);
	for (size_t i = 0; i < s->n_child && i < ENG_STATUS_CHILDREN; i++)
		j_child(j, &s->child[i], now);
	json_arr_close(j);
}

static void j_ike(struct json *j, const char *key, const struct eng_tunnel_status *s, time_t now)
{
	if (!s->ike_up) {
		json_null(j, key);
		return;
	}
	json_obj_open(j, key);
	j_addr(j, "local_address", &s->local);
	json_u64(j, "local_port", s->local_port);
	j_addr(j, "remote_address", &s->remote);
	json_u64(j, "remote_port", s->remote_port);
	json_bool(j, "initiator", s->initiator);
	j_spi64(j, "local_spi", s->initiator ? s->spi_i : s->spi_r);
	j_spi64(j, "remote_spi", s->initiator ? s->spi_r : s->spi_i);
	j_encr(j, "encryption", s->ike_encr);
	j_hash(j, "integrity", s->ike_integ);
	j_hash(j, "prf", s->ike_prf);
	json_u64(j, "dh_group", s->ike_group);
	json_str(j, "auth_sign", "PSK");
	json_str(j, "auth_verify", "PSK");
	json_i64(j, "established", (int64_t)s->ike_established);
	json_u64(j, "lifetime_seconds", s->ike_lifetime);
	json_i64(j, "active_seconds", age(s->ike_established, now));
	json_u64(j, "dpd_interval", s->dpd_interval);
	json_u64(j, "dpd_retries", s->dpd_interval ? s->dpd_timeout / s->dpd_interval : 0);
	json_bool(j, "nat_local", s->nat_local);
	json_bool(j, "nat_remote", s->nat_remote);
	json_obj_close(j);
}

/* show ipsec tunnel [NAME] */
void jw_tunnels(struct json *j, const struct eng_tunnel_status *v, size_t n, time_t now)
{
	json_obj_open(j, NULL);
	json_arr_open(j, "tunnels");
	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel_status *s = &v[i];

		json_obj_open(j, NULL);
		json_str(j, "name", s->name);
		json_u64(j, "tunnel_id", s->tunnel_id);
		json_str(j, "state", eng_tun_state_name(s->state));
		j_opt_str(j, "reason", s->reason);
		if (s->reason[0] && s->reason_at)
			json_i64(j, "reason_since", (int64_t)s->reason_at);
		else
			json_null(j, "reason_since");
		j_ike(j, "ike_sa", s, now);
		j_opt_str(j, "not_in_effect", s->not_in_effect);
		j_children(j, "ipsec_sas", s, now);
		j_traffic(j, "traffic_since_commit", s);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

/* show crypto ikev2 sa [detail]: the tunnels with an IKE SA */
void jw_ike_sas(struct json *j, const struct eng_tunnel_status *v, size_t n, time_t now)
{
	json_obj_open(j, NULL);
	json_arr_open(j, "ike_sas");
	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel_status *s = &v[i];

		if (!s->ike_up)
			continue;
		json_obj_open(j, NULL);
		json_str(j, "tunnel", s->name);
		json_u64(j, "tunnel_id", s->tunnel_id);
		json_str(j, "status", "READY");
		j_ike(j, "sa", s, now);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

/* show crypto ipsec sa [tunnel NAME] [detail] */
void jw_ipsec_sas(struct json *j, const struct eng_tunnel_status *v, size_t n, time_t now)
{
	json_obj_open(j, NULL);
	json_arr_open(j, "tunnels");
	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel_status *s = &v[i];

		json_obj_open(j, NULL);
		json_str(j, "name", s->name);
		j_addr(j, "local_address", &s->local);
		j_addr(j, "remote_address", &s->remote);
		if (s->ike_up)
			json_u64(j, "remote_port", s->remote_port);
		else
			json_null(j, "remote_port");
		j_children(j, "sas", s, now);
		j_traffic(j, "traffic_since_commit", s);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

static void j_flow_dir(struct json *j, const char *key, const struct eng_child_status *c,
		       const struct eng_sa_count *k, uint64_t drops, time_t now)
{
	uint64_t used = k->bytes / 1024;

	json_obj_open(j, key);
	json_u64(j, "packets", k->packets);
	json_u64(j, "drops", drops);
	if (c->lifetime_kb)
		json_u64(j, "remaining_kilobytes",
			 c->lifetime_kb > used ? c->lifetime_kb - used : 0);
	else
		json_null(j, "remaining_kilobytes");
	json_i64(j, "remaining_seconds", remaining(c->established, c->lifetime_s, now));
	json_obj_close(j);
}

/* show crypto session [detail] */
void jw_sessions(struct json *j, const struct eng_tunnel_status *v, size_t n, time_t now)
{
	json_obj_open(j, NULL);
	json_arr_open(j, "sessions");
	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel_status *s = &v[i];

		json_obj_open(j, NULL);
		json_str(j, "interface", s->name);
		json_str(j, "status", session_status_name(s->state));
		j_opt_str(j, "reason", s->ike_up ? NULL : s->reason);
		if (s->ike_up) {
			j_addr(j, "peer_address", &s->remote);
			json_u64(j, "peer_port", s->remote_port);
		} else {
			json_null(j, "peer_address");
			json_null(j, "peer_port");
		}
		j_ike(j, "ike_sa", s, now);
		json_arr_open(j, "flows");
		for (size_t k = 0; s->ike_up && k < s->n_child && k < ENG_STATUS_CHILDREN; k++) {
			const struct eng_child_status *c = &s->child[k];

			json_obj_open(j, NULL);
			j_prefix(j, "local_subnet", &c->local_ts);
			j_prefix(j, "remote_subnet", &c->remote_ts);
			json_u64(j, "active_sas", 2);
			j_flow_dir(j, "inbound", c, &c->in,
				   c->in.replay_errors + c->in.integrity_errors, now);
			j_flow_dir(j, "outbound", c, &c->out, 0, now);
			json_obj_close(j);
		}
		json_arr_close(j);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

/* show crypto ikev2 stats */
void jw_ike_stats(struct json *j, const struct eng_ike_stats *st)
{
	const struct {
		const char *key;
		uint64_t v;
	} c[] = {
	    {"messages_received", st->rx},
	    {"messages_sent", st->tx},
	    {"messages_dropped", st->dropped},
	    {"retransmissions", st->retransmits},
	    {"answered_from_cache", st->resp_from_cache},
	    {"cookies_sent", st->cookies_sent},
	    {"cookies_accepted", st->cookies_accepted},
	    {"refused_half_open_per_address", st->refused_per_peer},
	    {"refused_half_open_per_prefix", st->refused_per_prefix},
	    {"refused_half_open_total", st->refused_half_open_max},
	    {"half_open_evicted", st->half_open_evicted},
	    {"refused_too_long", st->refused_too_long},
	    {"replies_rate_limited", st->replies_rate_limited},
	    {"invalid_ke_sent", st->invalid_ke_sent},
	    {"no_proposal_chosen_sent", st->no_proposal_sent},
	    {"ts_unacceptable_sent", st->ts_unacceptable_sent},
	    {"invalid_syntax_sent", st->invalid_syntax_sent},
	    {"other_errors_sent", st->other_error_sent},
	    {"authentication_failures", st->auth_failed},
	    {"ike_sas_established", st->ike_established},
	    {"ike_sas_rekeyed", st->ike_rekeyed},
	    {"child_sas_installed", st->child_installed},
	    {"child_sas_rekeyed", st->child_rekeyed},
	};

	json_obj_open(j, NULL);
	json_u64(j, "ike_sa_count", (uint64_t)st->ike_active + st->ike_negotiating);
	json_u64(j, "active", st->ike_active);
	json_u64(j, "negotiating", st->ike_negotiating);
	json_u64(j, "half_open", st->ike_half_open);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		json_u64(j, c[i].key, c[i].v);
	json_obj_close(j);
}

/* show configuration commit list */
void jw_commits(struct json *j, const struct eng_commit_info *v, size_t n)
{
	json_obj_open(j, NULL);
	json_arr_open(j, "commits");
	for (size_t i = 0; i < n; i++) {
		json_obj_open(j, NULL);
		json_u64(j, "sno", i + 1);
		json_u64(j, "id", v[i].id);
		json_str(j, "user", v[i].user);
		json_i64(j, "time", (int64_t)v[i].when);
		j_opt_str(j, "comment", v[i].comment);
		json_bool(j, "confirm_pending", v[i].confirmed_pending);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

/* show users */
void jw_users(struct json *j, const struct eng_sess_info *v, size_t n)
{
	json_obj_open(j, NULL);
	json_arr_open(j, "sessions");
	for (size_t i = 0; i < n; i++) {
		json_obj_open(j, NULL);
		json_str(j, "user", v[i].user);
		json_str(j, "role", v[i].role == ENG_ROLE_ADMIN ? "admin" : "operator");
		json_i64(j, "since", (int64_t)v[i].since);
		json_str(j, "mode",
			 v[i].exclusive ? "config exclusive"
			 : v[i].config	? "config"
					: "exec");
		json_bool(j, "self", v[i].self);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

/* ---- Configuration objects ---------------------------------------------- */

static void j_encr_list(struct json *j, const char *key, const uint8_t *v, uint8_t n)
{
	json_arr_open(j, key);
	for (uint8_t i = 0; i < n && i < ENG_LIST_MAX; i++)
		json_str(j, NULL, eng_encr_name(v[i]));
	json_arr_close(j);
}

static void j_hash_list(struct json *j, const char *key, const uint8_t *v, uint8_t n)
{
	json_arr_open(j, key);
	for (uint8_t i = 0; i < n && i < ENG_LIST_MAX; i++)
		json_str(j, NULL, eng_hash_name(v[i]));
	json_arr_close(j);
}

static void j_ikev2(struct json *j, const struct eng_ikev2_policy *p)
{
	json_obj_open(j, NULL);
	json_u64(j, "id", p->id);
	j_encr_list(j, "encryption", p->encr, p->n_encr);
	j_hash_list(j, "integrity", p->integ, p->n_integ);
	j_hash_list(j, "prf", p->prf, p->n_prf);
	json_arr_open(j, "group");
	for (uint8_t i = 0; i < p->n_group && i < ENG_LIST_MAX; i++)
		json_u64(j, NULL, p->group[i]);
	json_arr_close(j);
	j_opt_u64(j, "lifetime_seconds", p->lifetime);
	json_obj_close(j);
}

static void j_ikev1(struct json *j, const struct eng_ikev1_policy *p)
{
	static const char *const auth[] = {NULL, "pre-share", "rsa-sig"};

	json_obj_open(j, NULL);
	json_u64(j, "id", p->id);
	j_encr(j, "encryption", p->encr);
	j_hash(j, "hash", p->hash);
	j_opt_u64(j, "group", p->group);
	json_str(j, "authentication", p->auth <= ENG_IKEAUTH_RSA_SIG ? auth[p->auth] : NULL);
	j_opt_u64(j, "lifetime_seconds", p->lifetime);
	json_obj_close(j);
}

static void j_ipsec(struct json *j, const struct eng_ipsec_policy *p)
{
	json_obj_open(j, NULL);
	json_str(j, "name", p->name);
	json_str(j, "protocol",
		 p->proto == ENG_PROTO_AH    ? "ah"
		 : p->proto == ENG_PROTO_ESP ? "esp"
					     : NULL);
	j_encr_list(j, "encryption", p->encr, p->n_encr);
	j_hash_list(j, "integrity", p->integ, p->n_integ);
	json_str(j, "mode",
		 p->mode == ENG_MODE_TRANSPORT ? "transport"
		 : p->mode == ENG_MODE_TUNNEL  ? "tunnel"
					       : NULL);
	j_opt_u64(j, "pfs_group", p->pfs_group);
	j_opt_u64(j, "lifetime_seconds", p->lifetime_s);
	j_opt_u64(j, "lifetime_kilobytes", p->lifetime_kb);
	json_obj_close(j);
}

static void j_endpoint(struct json *j, const char *key, const struct eng_endpoint *ep)
{
	char buf[64];

	switch (ep->kind) {
	case ENG_EP_ADDR:
		json_str(j, key, eng_addr_str(&ep->addr, buf, sizeof(buf)));
		break;
	case ENG_EP_HOST:
		json_str(j, key, ep->name);
		break;
	case ENG_EP_ANY:
		json_str(j, key, "any");
		break;
	case ENG_EP_IFACE:
		json_obj_open(j, key);
		json_str(j, "interface", ep->name);
		json_obj_close(j);
		break;
	default:
		json_null(j, key);
	}
}

static void j_ident(struct json *j, const char *key, const struct eng_ident *id)
{
	static const char *const kinds[] = {NULL,	 "any", "address", "fqdn",
					    "user-fqdn", "dn",	"key-id"};
	char buf[64];

	if (id->kind == ENG_ID_DEFAULT || id->kind > ENG_ID_KEY_ID) {
		json_null(j, key);
		return;
	}
	json_obj_open(j, key);
	json_str(j, "type", kinds[id->kind]);
	if (id->kind == ENG_ID_ADDRESS)
		json_str(j, "value", eng_addr_str(&id->addr, buf, sizeof(buf)));
	else if (id->kind == ENG_ID_ANY)
		json_null(j, "value");
	else
		json_str(j, "value", id->value);
	json_obj_close(j);
}

static void j_secret(struct json *j, const char *key, const char *v, bool secrets)
{
	if (!v)
		json_null(j, key);
	else
		json_str(j, key, secrets ? v : "*****");
}

static void j_tunnel(struct json *j, const struct eng_tunnel *t, bool secrets)
{
	static const char *const auth[] = {NULL, "pre-share", "certificate"};
	static const char *const dpd[] = {NULL, "restart", "clear", "hold"};
	static const char *const start[] = {NULL, "auto", "on-demand", "responder"};
	static const char *const natt[] = {NULL, "auto", "force", "disable"};

	json_obj_open(j, NULL);
	json_str(j, "name", t->name);
	j_opt_str(j, "description", t->description);
	json_bool(j, "shutdown", t->shutdown);
	j_opt_u64(j, "ike_version", t->ike_version);
	j_opt_u64(j, "ike_policy", t->ike_policy);
	j_opt_str(j, "ipsec_policy", t->ipsec_policy);
	j_endpoint(j, "local_address", &t->local);
	json_arr_open(j, "remote_address");
	for (uint8_t i = 0; i < t->n_remote && i < ENG_PEER_ADDRS_MAX; i++)
		j_endpoint(j, NULL, &t->remote[i]);
	json_arr_close(j);
	json_str(j, "authentication", t->auth <= ENG_AUTH_CERT ? auth[t->auth] : NULL);
	j_secret(j, "pre_shared_key", t->psk, secrets);
	j_opt_str(j, "trustpoint", t->trustpoint);
	j_ident(j, "local_id", &t->local_id);
	j_ident(j, "remote_id", &t->remote_id);
	json_arr_open(j, "local_subnet");
	for (uint8_t i = 0; i < t->n_local_subnet && i < ENG_SUBNETS_MAX; i++)
		j_prefix(j, NULL, &t->local_subnet[i]);
	json_arr_close(j);
	json_arr_open(j, "remote_subnet");
	for (uint8_t i = 0; i < t->n_remote_subnet && i < ENG_SUBNETS_MAX; i++)
		j_prefix(j, NULL, &t->remote_subnet[i]);
	json_arr_close(j);
	if (t->dpd.interval) {
		json_obj_open(j, "dpd");
		json_u64(j, "interval", t->dpd.interval);
		json_u64(j, "timeout", t->dpd.timeout);
		json_str(j, "action", t->dpd.action <= ENG_DPD_HOLD ? dpd[t->dpd.action] : NULL);
		json_obj_close(j);
	} else {
		json_null(j, "dpd");
	}
	j_opt_u64(j, "pfs_group", t->pfs_group);
	j_opt_u64(j, "sa_lifetime_seconds", t->sa_lifetime_s);
	j_opt_u64(j, "sa_lifetime_kilobytes", t->sa_lifetime_kb);
	j_opt_u64(j, "sa_idle_time", t->sa_idletime);
	json_str(j, "start_mode",
		 t->start_mode <= ENG_START_RESPONDER ? start[t->start_mode] : NULL);
	json_bool(j, "rekey", !t->no_rekey);
	json_str(j, "nat_traversal",
		 t->nat_traversal <= ENG_NATT_DISABLE ? natt[t->nat_traversal] : NULL);
	json_bool(j, "mobike", t->mobike);
	j_opt_str(j, "xauth_user", t->xauth_user);
	j_secret(j, "xauth_password", t->xauth_password, secrets);
	j_opt_str(j, "xfrm_interface", t->xfrm_if.name);
	json_obj_close(j);
}

union any_obj {
	struct eng_ikev1_policy ikev1;
	struct eng_ikev2_policy ikev2;
	struct eng_ipsec_policy ipsec;
	struct eng_tunnel tunnel;
};

static int j_kind(struct json *j, struct eng_sess *es, enum eng_db db, enum eng_kind kind,
		  const char *key, bool secrets)
{
	struct eng_keys k = {0};
	int rc = eng_keys(es, db, kind, &k);

	if (rc)
		return rc;
	json_arr_open(j, key);
	for (size_t i = 0; i < k.n; i++) {
		union any_obj o;

		memset(&o, 0, sizeof(o));
		rc = eng_obj_get(es, db, kind, k.keys[i], &o);
		if (rc)
			break;
		if (kind == ENG_OBJ_IKEV1)
			j_ikev1(j, &o.ikev1);
		else if (kind == ENG_OBJ_IKEV2)
			j_ikev2(j, &o.ikev2);
		else if (kind == ENG_OBJ_IPSEC)
			j_ipsec(j, &o.ipsec);
		else
			j_tunnel(j, &o.tunnel, secrets);
		eng_obj_clear(kind, &o);
	}
	json_arr_close(j);
	eng_keys_free(&k);
	return rc;
}

int jw_config(struct json *j, struct eng_sess *es, enum eng_db db, bool secrets)
{
	struct eng_global g = {0};
	int rc = eng_obj_get(es, db, ENG_OBJ_GLOBAL, NULL, &g);

	if (rc)
		return rc;
	json_obj_open(j, NULL);
	j_opt_str(j, "hostname", g.hostname);
	if (g.exec_timeout_set)
		json_u64(j, "exec_timeout", g.exec_timeout);
	else
		json_null(j, "exec_timeout");
	eng_obj_clear(ENG_OBJ_GLOBAL, &g);
	rc = j_kind(j, es, db, ENG_OBJ_IKEV1, "ikev1_policies", secrets);
	if (!rc)
		rc = j_kind(j, es, db, ENG_OBJ_IKEV2, "ikev2_policies", secrets);
	if (!rc)
		rc = j_kind(j, es, db, ENG_OBJ_IPSEC, "ipsec_policies", secrets);
	if (!rc)
		rc = j_kind(j, es, db, ENG_OBJ_TUNNEL, "tunnels", secrets);
	json_obj_close(j);
	return rc;
}
