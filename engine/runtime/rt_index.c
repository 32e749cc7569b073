/*
 * rt_index.c - the runtime's tunnels found by hash: by name (every call
 * from the shell, every sync) and by reqid or trap reqid (a kernel
 * ACQUIRE), never by a scan of all tunnels.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt_int.h"

static size_t name_hash(const char *name)
{
	uint64_t h = 1469598103934665603ull;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)(h ^ (h >> 31));
}

static size_t reqid_hash(uint32_t reqid)
{
	return (size_t)(reqid * 2654435761u);
}

static void link_tun(struct eng_rt *rt, struct rt_tun *t)
{
	size_t mask = rt->n_slot - 1, h = name_hash(t->name) & mask;

	t->name_next = rt->by_name[h];
	rt->by_name[h] = t;
	if (t->reqid) {
		h = reqid_hash(t->reqid) & mask;
		t->reqid_next = rt->by_reqid[h];
		rt->by_reqid[h] = t;
	}
	if (t->trap_reqid) {
		h = reqid_hash(t->trap_reqid) & mask;
		t->trap_next = rt->by_trap[h];
		rt->by_trap[h] = t;
	}
}

/* Room for n tunnels: the tables at least as long, every tunnel linked again. */
int tun_index_reserve(struct eng_rt *rt, size_t n)
{
	size_t slots = rt->n_slot ? rt->n_slot : 64;
	struct rt_tun **a, **b, **c;

	if (n <= rt->n_slot)
		return 0;
	while (slots < n)
		slots *= 2;
	a = calloc(slots, sizeof(*a));
	b = calloc(slots, sizeof(*b));
	c = calloc(slots, sizeof(*c));
	if (!a || !b || !c) {
		free(a);
		free(b);
		free(c);
		return -1;
	}
	free(rt->by_name);
	free(rt->by_reqid);
	free(rt->by_trap);
	rt->by_name = a;
	rt->by_reqid = b;
	rt->by_trap = c;
	rt->n_slot = slots;
	for (size_t i = 0; i < rt->n_tun; i++)
		link_tun(rt, rt->tun[i]);
	return 0;
}

void tun_index_add(struct eng_rt *rt, struct rt_tun *t)
{
	link_tun(rt, t);
}

static void unlink_one(struct rt_tun **head, struct rt_tun *t, size_t next_off)
{
	for (struct rt_tun **pp = head; *pp; pp = (struct rt_tun **)((char *)*pp + next_off)) {
		if (*pp == t) {
			*pp = *(struct rt_tun **)((char *)t + next_off);
			return;
		}
	}
}

void tun_index_del(struct eng_rt *rt, struct rt_tun *t)
{
	size_t mask = rt->n_slot - 1;

	if (!rt->n_slot)
		return;
	unlink_one(&rt->by_name[name_hash(t->name) & mask], t, offsetof(struct rt_tun, name_next));
	if (t->reqid)
		unlink_one(&rt->by_reqid[reqid_hash(t->reqid) & mask], t,
			   offsetof(struct rt_tun, reqid_next));
	if (t->trap_reqid)
		unlink_one(&rt->by_trap[reqid_hash(t->trap_reqid) & mask], t,
			   offsetof(struct rt_tun, trap_next));
}

struct rt_tun *tun_find(struct eng_rt *rt, const char *name)
{
	if (!rt->n_slot)
		return NULL;
	for (struct rt_tun *t = rt->by_name[name_hash(name) & (rt->n_slot - 1)]; t;
	     t = t->name_next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

struct rt_tun *tun_by_reqid(struct eng_rt *rt, uint32_t reqid)
{
	size_t h;

	if (!rt->n_slot || !reqid)
		return NULL;
	h = reqid_hash(reqid) & (rt->n_slot - 1);
	for (struct rt_tun *t = rt->by_reqid[h]; t; t = t->reqid_next)
		if (t->configured && t->reqid == reqid)
			return t;
	for (struct rt_tun *t = rt->by_trap[h]; t; t = t->trap_next)
		if (t->configured && t->trap_reqid == reqid)
			return t;
	return NULL;
}

void tun_index_free(struct eng_rt *rt)
{
	free(rt->by_name);
	free(rt->by_reqid);
	free(rt->by_trap);
	rt->by_name = rt->by_reqid = rt->by_trap = NULL;
	rt->n_slot = 0;
}
