/*
 * rt_fw.c - `firewall-rule`: the tunnels that ask for it become the
 * engine's nftables table (engine/fw), replaced as a whole after every
 * change of the running configuration, and whenever a peer's host name
 * resolves to a new address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_int.h"

/* The peers the rules accept IKE and ESP from: every literal address,
 * the host name's current resolution, or any. */
static void fw_peers(const struct rt_tun *t, struct fw_tunnel *f)
{
	const struct eng_tunnel *cfg = &t->cfg;

	for (size_t i = 0; i < cfg->n_remote && i < ENG_PEER_ADDRS_MAX; i++) {
		const struct eng_endpoint *ep = &cfg->remote[i];

		if (ep->kind == ENG_EP_ANY)
			f->any_peer = true;
		else if (ep->kind == ENG_EP_ADDR && f->n_peer < FW_PEERS_MAX)
			f->peer[f->n_peer++] = ep->addr;
	}
	if (t->resolved.family && f->n_peer < FW_PEERS_MAX)
		f->peer[f->n_peer++] = t->resolved;
}

static void fw_of(const struct rt_tun *t, struct fw_tunnel *f)
{
	memset(f, 0, sizeof(*f));
	f->name = t->name;
	fw_peers(t, f);
	f->n_local = t->cfg.n_local_subnet;
	f->local = t->cfg.local_subnet;
	f->n_remote = t->cfg.n_remote_subnet;
	f->remote = t->cfg.remote_subnet;
}

void rt_fw_sync(struct eng_rt *rt)
{
	struct fw_tunnel *v;
	size_t n = 0;
	int rc;

	rt->fw_dirty = false;
	v = calloc(rt->n_tun ? rt->n_tun : 1, sizeof(*v));
	if (!v) {
		rt->fw_dirty = true; /* again at the next tick */
		return;
	}
	for (size_t i = 0; i < rt->n_tun; i++)
		if (rt->tun[i]->cfg.firewall_rule)
			fw_of(rt->tun[i], &v[n++]);
	if (!rt->fw) {
		rc = -ENODEV;
	} else {
		rc = fw_apply(rt->fw, v, n);
		if (rc)
			eng_logf(rt->log, ENG_LOG_ERR,
				 "firewall-rule: table inet %s not updated: %s", FW_TABLE,
				 fw_error(rt->fw));
		else if (n)
			eng_debugf(rt->log, ENG_DEBUG_IKE_DETAIL,
				   "firewall-rule: table inet %s holds the rules of %zu tunnel(s)",
				   FW_TABLE, n);
	}
	for (size_t i = 0, k = 0; i < rt->n_tun; i++) {
		struct rt_tun *t = rt->tun[i];

		if (!t->cfg.firewall_rule) {
			t->fw_ok = false;
			t->fw_text[0] = '\0';
			continue;
		}
		t->fw_ok = rc == 0;
		if (rc == 0)
			fw_tunnel_rules(&v[k], t->fw_text, sizeof(t->fw_text));
		else
			snprintf(t->fw_text, sizeof(t->fw_text), "not installed: %s",
				 rt->fw ? fw_error(rt->fw) : "nftables is not available");
		k++;
	}
	free(v);
}

void rt_fw_status(const struct rt_tun *t, struct eng_tunnel_status *s)
{
	s->fw_installed = t->fw_ok;
	snprintf(s->firewall, sizeof(s->firewall), "%s", t->fw_text);
}

struct fw *rt_fw(struct eng_rt *rt)
{
	return rt ? rt->fw : NULL;
}
