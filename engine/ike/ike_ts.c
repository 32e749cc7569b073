/* SPDX-License-Identifier: ISC */
/*
 * Traffic selectors (RFC 7296 §2.9, §3.13): configured subnets as ranges,
 * narrowing of what the peer proposes to what we allow (the intersection),
 * and the initiator's check that the answer lies within its offer.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "ike_sa.h"

static size_t ike_alen(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

void ike_subnet_range(const struct ike_subnet *s, struct ike_ts_range *r)
{
	size_t alen = ike_alen(s->family);
	unsigned plen = s->prefixlen > alen * 8 ? (unsigned)alen * 8 : s->prefixlen;

	memset(r, 0, sizeof(*r));
	r->family = s->family;
	r->proto = s->proto;
	r->port_start = s->port_start;
	r->port_end = s->port_end ? s->port_end : (s->port_start ? s->port_start : 65535);
	for (size_t i = 0; i < alen; i++) {
		unsigned bits = plen > i * 8 ? plen - (unsigned)i * 8 : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		r->start[i] = s->addr[i] & mask;
		r->end[i] = (uint8_t)(s->addr[i] | (uint8_t)~mask);
	}
}

size_t ike_ts_from_conf(const struct ike_subnet *nets, size_t n, const struct ike_addr *host,
			struct ike_ts_range *out)
{
	if (n == 0) {
		/* no subnet: the host itself (transport mode, host-to-host tunnels) */
		struct ike_subnet s = {.family = host->family, .prefixlen = 128};

		memcpy(s.addr, host->addr, sizeof(s.addr));
		ike_subnet_range(&s, &out[0]);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		ike_subnet_range(&nets[i], &out[i]);
	return n;
}

void ike_ts_to_wire(const struct ike_ts_range *r, size_t n, struct ike_ts_pld *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n && i < IKE_MAX_TS; i++) {
		struct ike_ts *t = &out->ts[out->n++];

		t->type = r[i].family == AF_INET6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
		t->proto = r[i].proto;
		t->start_port = r[i].port_start;
		t->end_port = r[i].port_end;
		memcpy(t->start, r[i].start, sizeof(t->start));
		memcpy(t->end, r[i].end, sizeof(t->end));
	}
}

static bool ike_ts_wire_range(const struct ike_ts *t, struct ike_ts_range *r)
{
	memset(r, 0, sizeof(*r));
	if (t->type == IKE_TS_IPV4_ADDR_RANGE)
		r->family = AF_INET;
	else if (t->type == IKE_TS_IPV6_ADDR_RANGE)
		r->family = AF_INET6;
	else
		return false;
	r->proto = t->proto;
	r->port_start = t->start_port;
	r->port_end = t->end_port;
	memcpy(r->start, t->start, sizeof(r->start));
	memcpy(r->end, t->end, sizeof(r->end));
	return true;
}

/* a ∩ b into out; false when empty. */
static bool ike_ts_intersect(const struct ike_ts_range *a, const struct ike_ts_range *b,
			     struct ike_ts_range *out)
{
	size_t alen = ike_alen(a->family);

	if (a->family != b->family)
		return false;
	if (a->proto && b->proto && a->proto != b->proto)
		return false;
	memset(out, 0, sizeof(*out));
	out->family = a->family;
	out->proto = a->proto ? a->proto : b->proto;
	out->port_start = a->port_start > b->port_start ? a->port_start : b->port_start;
	out->port_end = a->port_end < b->port_end ? a->port_end : b->port_end;
	if (out->port_start > out->port_end)
		return false;
	memcpy(out->start, memcmp(a->start, b->start, alen) > 0 ? a->start : b->start, alen);
	memcpy(out->end, memcmp(a->end, b->end, alen) < 0 ? a->end : b->end, alen);
	return memcmp(out->start, out->end, alen) <= 0;
}

size_t ike_ts_narrow(const struct ike_ts_pld *offered, const struct ike_ts_range *allowed,
		     size_t nallowed, struct ike_ts_range *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < offered->n; i++) {
		struct ike_ts_range o;

		if (!ike_ts_wire_range(&offered->ts[i], &o))
			continue;
		for (size_t j = 0; j < nallowed && n < max; j++) {
			struct ike_ts_range x;
			bool dup = false;

			if (!ike_ts_intersect(&o, &allowed[j], &x))
				continue;
			for (size_t k = 0; k < n; k++)
				dup |= memcmp(&out[k], &x, sizeof(x)) == 0;
			if (!dup)
				out[n++] = x;
		}
	}
	return n;
}

bool ike_ts_within(const struct ike_ts_pld *got, const struct ike_ts_range *offered, size_t n)
{
	if (got->n == 0)
		return false;
	for (size_t i = 0; i < got->n; i++) {
		struct ike_ts_range g, x;
		bool inside = false;

		if (!ike_ts_wire_range(&got->ts[i], &g))
			return false;
		for (size_t j = 0; j < n && !inside; j++)
			inside =
			    ike_ts_intersect(&g, &offered[j], &x) && memcmp(&x, &g, sizeof(g)) == 0;
		if (!inside)
			return false;
	}
	return true;
}

/* "10.9.0.0/24", or "10.9.0.1-10.9.0.7" when the range is not a prefix; then proto/ports. */
static void ike_range_str(const struct ike_ts_range *r, char *buf, size_t len)
{
	size_t alen = ike_alen(r->family);
	char s[IKE_ADDR_STRLEN], e[IKE_ADDR_STRLEN];
	unsigned plen = 0;
	bool prefix = true;
	int n;

	inet_ntop(r->family == AF_INET6 ? AF_INET6 : AF_INET, r->start, s, sizeof(s));
	inet_ntop(r->family == AF_INET6 ? AF_INET6 : AF_INET, r->end, e, sizeof(e));
	/* common leading bits, then start all zero and end all one */
	for (size_t bit = 0; bit < alen * 8; bit++) {
		unsigned sb = (r->start[bit / 8] >> (7 - bit % 8)) & 1;
		unsigned eb = (r->end[bit / 8] >> (7 - bit % 8)) & 1;

		if (plen == bit && sb == eb) {
			plen++;
			continue;
		}
		if (sb != 0 || eb != 1)
			prefix = false;
	}
	if (prefix)
		n = snprintf(buf, len, "%s/%u", s, plen);
	else
		n = snprintf(buf, len, "%s-%s", s, e);
	if (n < 0 || (size_t)n >= len)
		return;
	if (r->proto)
		n += snprintf(buf + n, len - (size_t)n, " proto %u", r->proto);
	if ((size_t)n < len && (r->port_start != 0 || r->port_end != 65535))
		snprintf(buf + n, len - (size_t)n, " port %u-%u", r->port_start, r->port_end);
}

void ike_ts_range_describe(const struct ike_ts_range *r, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		char one[128];
		int k;

		ike_range_str(&r[i], one, sizeof(one));
		k = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", one);
		if (k < 0)
			return;
		off += (size_t)k;
	}
}

void ike_ts_describe(const struct ike_ts_pld *ts, char *buf, size_t len)
{
	struct ike_ts_range r[IKE_MAX_TS];
	size_t n = 0;

	for (size_t i = 0; i < ts->n; i++) {
		if (ike_ts_wire_range(&ts->ts[i], &r[n]))
			n++;
	}
	ike_ts_range_describe(r, n, buf, len);
}

void ike_log_choice(struct ike_sa *sa, const char *what, const struct ike_selected *sel,
		    const struct ike_ts_range *tsl, size_t nl, const struct ike_ts_range *tsr,
		    size_t nr)
{
	char alg[128], l[256], r[256];

	if (!ike_log_enabled(sa->eng, IKE_LOG_DEBUG))
		return;
	ike_sel_describe(sel, alg, sizeof(alg));
	if (tsl == NULL) {
		ike_log(sa->eng, IKE_LOG_DEBUG, "%s: %s", what, alg);
		return;
	}
	ike_ts_range_describe(tsl, nl, l, sizeof(l));
	ike_ts_range_describe(tsr, nr, r, sizeof(r));
	ike_log(sa->eng, IKE_LOG_DEBUG, "%s: %s, selectors %s === %s", what, alg, l, r);
}

/* True when every range is start..end of one prefix (what XFRM selectors can hold). */
bool ike_ts_ranges_are_prefixes(const struct ike_ts_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t alen = ike_alen(r[i].family), bit = 0;

		/* the common leading bits, then start all zero and end all one */
		while (bit < alen * 8 &&
		       ((r[i].start[bit / 8] ^ r[i].end[bit / 8]) & (0x80 >> (bit % 8))) == 0)
			bit++;
		for (; bit < alen * 8; bit++) {
			unsigned m = 0x80u >> (bit % 8);

			if ((r[i].start[bit / 8] & m) || !(r[i].end[bit / 8] & m))
				return false;
		}
	}
	return true;
}
