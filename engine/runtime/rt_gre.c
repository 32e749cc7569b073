/*
 * rt_gre.c - gre-tunnel: GRE over IPsec.  The tunnel's IKE settings
 * protect only GRE (IP protocol 47) between the two endpoints, in
 * transport mode (rt_conf.c); here the GRE interface between those same
 * endpoints is made (rtnetlink, through the kernel seam), kept while the
 * configuration keeps it, and deleted with the tunnel.  Routes and
 * dynamic routing then run over the interface.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rt_int.h"

void gre_drop(struct eng_rt *rt, struct rt_tun *t)
{
	if (!t->gre_ifname[0])
		return;
	if (kernel_iface_delete(rt->k, t->gre_ifname) == 0)
		eng_debugf(rt->log, ENG_DEBUG_XFRM, "GRE: interface %s deleted", t->gre_ifname);
	t->gre_ifname[0] = '\0';
}

int gre_ensure(struct eng_rt *rt, struct rt_tun *t, const struct eng_tunnel *cfg)
{
	struct kernel_iface ifc = {.kind = KERNEL_IFACE_GRE};
	char err[512];
	int rc;

	kaddr_from_ike(&ifc.local, &t->conf.local);
	kaddr_from_ike(&ifc.remote, &t->conf.remote);
	/* another name, key or pair of endpoints: a new interface */
	if (t->gre_ifname[0] &&
	    (strcmp(t->gre_ifname, cfg->gre.name) != 0 || t->gre_key != cfg->gre.key ||
	     memcmp(&t->gre_local, &ifc.local, sizeof(ifc.local)) != 0 ||
	     memcmp(&t->gre_remote, &ifc.remote, sizeof(ifc.remote)) != 0))
		gre_drop(rt, t);
	if (!cfg->gre.name[0] || t->gre_ifname[0])
		return 0;
	snprintf(ifc.name, sizeof(ifc.name), "%s", cfg->gre.name);
	ifc.if_id = cfg->gre.key;
	rc = kernel_iface_create(rt->k, &ifc);
	if (rc) {
		char why[300];

		snprintf(why, sizeof(why), "gre-tunnel %s: %s", ifc.name,
			 kernel_strerror(rt->k, err, sizeof(err)));
		set_reason(t, why);
		eng_logf(rt->log, ENG_LOG_ERR, "tunnel %s: %s", t->name, why);
		return rc;
	}
	kernel_iface_up(rt->k, ifc.name, true);
	snprintf(t->gre_ifname, sizeof(t->gre_ifname), "%s", ifc.name);
	t->gre_key = cfg->gre.key;
	t->gre_local = ifc.local;
	t->gre_remote = ifc.remote;
	eng_logf(rt->log, ENG_LOG_INFO, "tunnel %s: GRE interface %s (key %" PRIu32 ") is up",
		 t->name, ifc.name, cfg->gre.key);
	return 0;
}
