/*
 * preview.c - what a commit would do to the tunnels' SAs: running and the
 * configuration a commit would make, tunnel by tunnel, through the rule
 * of model/impact.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* The tunnel with its policies and defaults resolved (a shallow copy:
 * the strings stay the node's). */
static void eff_of(const struct eng_cfg *c, const struct eng_tunnel *t, struct eng_tunnel_eff *e)
{
	const struct eng_node *n;

	e->t = *t;
	n = t->ike_policy ? cfg_find(c, ENG_OBJ_IKEV2, t->ike_policy, NULL) : NULL;
	eng_ikev2_effective(n ? &n->u.ikev2 : NULL, &e->ike2);
	n = t->ipsec_policy[0] ? cfg_find(c, ENG_OBJ_IPSEC, 0, t->ipsec_policy) : NULL;
	eng_ipsec_effective(n ? &n->u.ipsec : NULL, &e->ipsec);
	eng_tunnel_defaults(&e->t, &e->ipsec);
}

int cfg_impact(const struct eng_cfg *from, const struct eng_cfg *to, struct eng_tunnel_impact **out,
	       size_t *n, size_t *unchanged)
{
	const struct eng_tab *x = &from->t[ENG_OBJ_TUNNEL], *y = &to->t[ENG_OBJ_TUNNEL];
	struct eng_tunnel_impact *v = calloc(x->n + y->n + 1, sizeof(*v));
	size_t i = 0, j = 0, k = 0, same = 0;

	if (!v)
		return -ENOMEM;
	while (i < x->n || j < y->n) {
		int c = i == x->n ? 1 : j == y->n ? -1 : node_cmp(x->v[i], y->v[j]);
		struct eng_tunnel_eff a, b;
		const struct eng_node *node = c <= 0 ? x->v[i] : y->v[j];
		enum eng_sa_impact im;

		if (c <= 0)
			eff_of(from, &x->v[i]->u.tunnel, &a);
		if (c >= 0)
			eff_of(to, &y->v[j]->u.tunnel, &b);
		im = eng_tunnel_impact(c <= 0 ? &a : NULL, c >= 0 ? &b : NULL, v[k].why,
				       sizeof(v[k].why));
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
		if (im == ENG_IMPACT_KEPT && !v[k].why[0]) {
			same++;
			continue;
		}
		snprintf(v[k].name, sizeof(v[k].name), "%s", node->u.tunnel.name);
		v[k++].impact = (uint8_t)im;
	}
	*out = v;
	*n = k;
	*unchanged = same;
	return 0;
}
