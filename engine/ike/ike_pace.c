/*
 * ike_pace.c - initiation paced: at most a window of our IKE SAs are
 * being set up (IKE_SA_INIT sent, not yet established) at any time, so
 * that thousands of auto tunnels start as fast as the peers answer and
 * never as a burst of requests nobody can take.  The window grows by one
 * for every window's worth of IKE SAs established (about one a round
 * trip) and halves when a peer pushes back (a COOKIE) or a setup request
 * had to be sent again, at most once per retransmission timeout.
 */
#include "ike_sa.h"

static unsigned window(const struct ike_engine *e)
{
	return e->pace_window ? e->pace_window : IKE_PACE_START;
}

void ike_pace_sent(struct ike_sa *sa)
{
	if (sa->paced)
		return;
	sa->paced = true;
	sa->eng->pace_inflight++;
}

void ike_pace_done(struct ike_sa *sa, bool established)
{
	struct ike_engine *e = sa->eng;

	if (!sa->paced)
		return;
	sa->paced = false;
	if (e->pace_inflight)
		e->pace_inflight--;
	/* one more at once per window's worth established: a round trip's */
	if (established && window(e) < IKE_PACE_MAX && ++e->pace_acked >= window(e)) {
		e->pace_window = window(e) + 1;
		e->pace_acked = 0;
	}
	/* room again: tunnels waiting for it are looked at next tick */
	if (e->pace_waiting) {
		e->pace_waiting = false;
		e->retry_min = 0;
	}
}

void ike_pace_backoff(struct ike_engine *e)
{
	uint64_t now = ike_now(e);
	unsigned w = window(e) / 2;

	if (e->pace_backoff_at && now - e->pace_backoff_at < e->opts.retransmit_timeout_ms)
		return; /* one push back per round trip, however many SAs saw it */
	e->pace_backoff_at = now;
	e->pace_window = w < IKE_PACE_MIN ? IKE_PACE_MIN : w;
	e->pace_acked = 0;
}

bool ike_pace_room(const struct ike_engine *e)
{
	return e->pace_inflight < window(e);
}
