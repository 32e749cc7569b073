/*
 * show_impact.c - what a commit will do to the tunnels' SAs, printed
 * after `show configuration changes` and `commit check`.
 */
#include <stdlib.h>

#include "cmd_int.h"

void cmd_show_sa_impact(struct cmd_sess *cs)
{
	struct eng_tunnel_impact *v = NULL;
	size_t n = 0, unchanged = 0;

	/* only when a tunnel is touched: a hostname change is no news for SAs */
	if (eng_commit_impact(cs->es, &v, &n, &unchanged) != 0 || n == 0) {
		free(v);
		return;
	}
	cmd_out(cs, "SAs after the commit:");
	for (size_t i = 0; i < n; i++) {
		const struct eng_tunnel_impact *t = &v[i];

		if (cmd_out(cs, "  tunnel %s: %s%s%s%s", t->name, eng_sa_impact_name(t->impact),
			    t->why[0] ? " (" : "", t->why, t->why[0] ? ")" : "") < 0)
			break;
	}
	if (unchanged)
		cmd_out(cs, "  %zu other tunnel%s: kept, unchanged", unchanged,
			unchanged == 1 ? "" : "s");
	free(v);
}
