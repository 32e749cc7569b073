/*
 * toy_codec.c - a small line format standing in for the command tree, so
 * the engine's unit tests do not need commands/.  It covers the fields
 * the tests use:
 *
 *   hostname NAME
 *   ikev1 ID / ikev2 ID / ipsec NAME / tunnel NAME   open an object
 *    encr N,N  integ N,N  prf N,N  group N,N  lifetime N  proto N  pfs N
 *    version N  ike N  ipsec NAME  remote ADDR|any|HOST  auth N  psk S
 *    trustpoint S  start N  negmode N  xauth USER PASS  mobike
 *    xfrm NAME ID  lsub PREFIX  rsub PREFIX  desc S
 *   !                                                 closes it
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toy_codec.h"

/* names longer than their field are cut: the engine then sees what it must refuse */
#pragma GCC diagnostic ignored "-Wformat-truncation"

struct sb {
	char *s;
	size_t len, cap;
};

static void add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void add_list(struct sb *b, const char *kw, uint8_t n, const uint8_t *v)
{
	if (!n)
		return;
	add(b, " %s ", kw);
	for (uint8_t i = 0; i < n; i++)
		add(b, "%s%u", i ? "," : "", v[i]);
	add(b, "\n");
}

static char *toy_render(const struct eng_obj *o, unsigned flags)
{
	struct sb b = {0};
	char buf[64];

	add(&b, "%s", "");
	switch (o->kind) {
	case ENG_OBJ_GLOBAL:
		if (o->u.global->hostname[0])
			add(&b, "hostname %s\n!\n", o->u.global->hostname);
		break;
	case ENG_OBJ_IKEV1: {
		const struct eng_ikev1_policy *p = o->u.ikev1;
		add(&b, "ikev1 %u\n", p->id);
		if (p->encr)
			add(&b, " encr %u\n", p->encr);
		if (p->group)
			add(&b, " group %u\n", p->group);
		if (p->lifetime)
			add(&b, " lifetime %u\n", p->lifetime);
		add(&b, "!\n");
		break;
	}
	case ENG_OBJ_IKEV2: {
		const struct eng_ikev2_policy *p = o->u.ikev2;
		add(&b, "ikev2 %u\n", p->id);
		add_list(&b, "encr", p->n_encr, p->encr);
		add_list(&b, "integ", p->n_integ, p->integ);
		add_list(&b, "prf", p->n_prf, p->prf);
		add_list(&b, "group", p->n_group, p->group);
		if (p->lifetime)
			add(&b, " lifetime %u\n", p->lifetime);
		add(&b, "!\n");
		break;
	}
	case ENG_OBJ_IPSEC: {
		const struct eng_ipsec_policy *p = o->u.ipsec;
		add(&b, "ipsec %s\n", p->name);
		if (p->proto)
			add(&b, " proto %u\n", p->proto);
		add_list(&b, "encr", p->n_encr, p->encr);
		add_list(&b, "integ", p->n_integ, p->integ);
		if (p->pfs_group)
			add(&b, " pfs %u\n", p->pfs_group);
		add(&b, "!\n");
		break;
	}
	case ENG_OBJ_TUNNEL: {
		const struct eng_tunnel *t = o->u.tunnel;
		add(&b, "tunnel %s\n", t->name);
		if (t->description)
			add(&b, " desc %s\n", t->description);
		if (t->ike_version)
			add(&b, " version %u\n", t->ike_version);
		if (t->ike_policy)
			add(&b, " ike %u\n", t->ike_policy);
		if (t->ipsec_policy[0])
			add(&b, " ipsec %s\n", t->ipsec_policy);
		for (uint8_t i = 0; i < t->n_remote; i++) {
			const struct eng_endpoint *r = &t->remote[i];
			add(&b, " remote %s\n",
			    r->kind == ENG_EP_ANY    ? "any"
			    : r->kind == ENG_EP_HOST ? r->name
						     : eng_addr_str(&r->addr, buf, sizeof(buf)));
		}
		if (t->auth)
			add(&b, " auth %u\n", t->auth);
		if (t->psk)
			add(&b, " psk %s\n", flags & ENG_TEXT_SECRETS ? t->psk : "*****");
		if (t->trustpoint)
			add(&b, " trustpoint %s\n", t->trustpoint);
		if (t->start_mode)
			add(&b, " start %u\n", t->start_mode);
		if (t->negotiation_mode)
			add(&b, " negmode %u\n", t->negotiation_mode);
		if (t->xauth_user)
			add(&b, " xauth %s %s\n", t->xauth_user,
			    flags & ENG_TEXT_SECRETS ? t->xauth_password : "*****");
		if (t->mobike)
			add(&b, " mobike\n");
		if (t->xfrm_if.name[0])
			add(&b, " xfrm %s %u\n", t->xfrm_if.name, t->xfrm_if.if_id);
		for (uint8_t i = 0; i < t->n_local_subnet; i++)
			add(&b, " lsub %s\n",
			    eng_prefix_str(&t->local_subnet[i], buf, sizeof(buf)));
		for (uint8_t i = 0; i < t->n_remote_subnet; i++)
			add(&b, " rsub %s\n",
			    eng_prefix_str(&t->remote_subnet[i], buf, sizeof(buf)));
		add(&b, "!\n");
		break;
	}
	default:
		break;
	}
	return b.s;
}

static int parse_list(const char *v, uint8_t *n, uint8_t *out)
{
	char *copy = strdup(v), *save = NULL;

	*n = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (*n >= ENG_LIST_MAX) {
			free(copy);
			return -EINVAL;
		}
		out[(*n)++] = (uint8_t)strtoul(t, NULL, 10);
	}
	free(copy);
	return 0;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

/* One sub-line applied to the object open in the block. */
static int apply_line(enum eng_kind kind, union toy_any *o, const char *kw, const char *v,
		      const char *v2)
{
	uint32_t num = v ? (uint32_t)strtoul(v, NULL, 10) : 0;

	if (kind == ENG_OBJ_IKEV1) {
		if (!strcmp(kw, "encr"))
			o->v1.encr = (uint8_t)num;
		else if (!strcmp(kw, "group"))
			o->v1.group = (uint8_t)num;
		else if (!strcmp(kw, "lifetime"))
			o->v1.lifetime = num;
		else
			return -EINVAL;
		return 0;
	}
	if (kind == ENG_OBJ_IKEV2) {
		if (!strcmp(kw, "encr"))
			return parse_list(v, &o->v2.n_encr, o->v2.encr);
		if (!strcmp(kw, "integ"))
			return parse_list(v, &o->v2.n_integ, o->v2.integ);
		if (!strcmp(kw, "prf"))
			return parse_list(v, &o->v2.n_prf, o->v2.prf);
		if (!strcmp(kw, "group"))
			return parse_list(v, &o->v2.n_group, o->v2.group);
		if (!strcmp(kw, "lifetime")) {
			o->v2.lifetime = num;
			return 0;
		}
		return -EINVAL;
	}
	if (kind == ENG_OBJ_IPSEC) {
		if (!strcmp(kw, "proto"))
			o->ip.proto = (uint8_t)num;
		else if (!strcmp(kw, "encr"))
			return parse_list(v, &o->ip.n_encr, o->ip.encr);
		else if (!strcmp(kw, "integ"))
			return parse_list(v, &o->ip.n_integ, o->ip.integ);
		else if (!strcmp(kw, "pfs"))
			o->ip.pfs_group = (uint8_t)num;
		else
			return -EINVAL;
		return 0;
	}
	if (kind != ENG_OBJ_TUNNEL)
		return -EINVAL;
	struct eng_tunnel *t = &o->t;
	if (!strcmp(kw, "desc"))
		return set_str(&t->description, v);
	if (!strcmp(kw, "version"))
		t->ike_version = (uint8_t)num;
	else if (!strcmp(kw, "ike"))
		t->ike_policy = (uint16_t)num;
	else if (!strcmp(kw, "ipsec"))
		snprintf(t->ipsec_policy, sizeof(t->ipsec_policy), "%s", v);
	else if (!strcmp(kw, "remote")) {
		struct eng_endpoint *r;
		if (t->n_remote >= ENG_PEER_ADDRS_MAX)
			return -EINVAL;
		r = &t->remote[t->n_remote++];
		memset(r, 0, sizeof(*r));
		if (!strcmp(v, "any"))
			r->kind = ENG_EP_ANY;
		else if (eng_addr_parse(v, &r->addr) == 0)
			r->kind = ENG_EP_ADDR;
		else {
			r->kind = ENG_EP_HOST;
			return set_str(&r->name, v);
		}
	} else if (!strcmp(kw, "auth"))
		t->auth = (uint8_t)num;
	else if (!strcmp(kw, "psk"))
		return set_str(&t->psk, v);
	else if (!strcmp(kw, "trustpoint"))
		return set_str(&t->trustpoint, v);
	else if (!strcmp(kw, "start"))
		t->start_mode = (uint8_t)num;
	else if (!strcmp(kw, "negmode"))
		t->negotiation_mode = (uint8_t)num;
	else if (!strcmp(kw, "xauth")) {
		if (!v2)
			return -EINVAL;
		return set_str(&t->xauth_user, v) ? -ENOMEM : set_str(&t->xauth_password, v2);
	} else if (!strcmp(kw, "mobike"))
		t->mobike = true;
	else if (!strcmp(kw, "xfrm")) {
		if (!v2)
			return -EINVAL;
		snprintf(t->xfrm_if.name, sizeof(t->xfrm_if.name), "%s", v);
		t->xfrm_if.if_id = (uint16_t)strtoul(v2, NULL, 10);
	} else if (!strcmp(kw, "lsub") || !strcmp(kw, "rsub")) {
		bool local = kw[0] == 'l';
		uint8_t *n = local ? &t->n_local_subnet : &t->n_remote_subnet;
		struct eng_prefix *list = local ? t->local_subnet : t->remote_subnet;
		if (*n >= ENG_SUBNETS_MAX || eng_prefix_parse(v, &list[*n]) < 0)
			return -EINVAL;
		(*n)++;
	} else
		return -EINVAL;
	return 0;
}

static int toy_load(struct eng_sess *sess, const char *text, size_t len, const char *origin,
		    struct eng_diag *diag)
{
	char *copy = strndup(text, len), *save = NULL, *p = copy;
	enum eng_kind kind = ENG_OBJ_GLOBAL;
	char key[ENG_NAME_MAX] = "";
	bool open = false;
	unsigned lineno = 0;
	int errors = 0;

	if (!copy)
		return -ENOMEM;
	if (!eng_cand_active(sess) && eng_cand_begin(sess) < 0) {
		free(copy);
		return -EPERM;
	}
	while (p) {
		char *line = p, *nl = strchr(p, '\n');
		char w[4][300] = {{0}};
		union toy_any o;
		int n, rc = 0;

		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
		lineno++;
		(void)save;
		if (!line[0] || line[0] == '!') {
			open = line[0] == '!' ? false : open;
			continue;
		}
		n = sscanf(line, "%299s %299s %299s %299s", w[0], w[1], w[2], w[3]);
		if (line[0] != ' ') {
			open = false;
			if (!strcmp(w[0], "hostname") && n == 2) {
				struct eng_global g = {0};
				snprintf(g.hostname, sizeof(g.hostname), "%s", w[1]);
				rc = eng_obj_put(sess, ENG_OBJ_GLOBAL, &g, NULL);
			} else if (n == 2 && (!strcmp(w[0], "ikev1") || !strcmp(w[0], "ikev2") ||
					      !strcmp(w[0], "ipsec") || !strcmp(w[0], "tunnel"))) {
				kind = !strcmp(w[0], "ikev1")	? ENG_OBJ_IKEV1
				       : !strcmp(w[0], "ikev2") ? ENG_OBJ_IKEV2
				       : !strcmp(w[0], "ipsec") ? ENG_OBJ_IPSEC
								: ENG_OBJ_TUNNEL;
				snprintf(key, sizeof(key), "%s", w[1]);
				if (eng_obj_get(sess, ENG_CANDIDATE, kind, key, &o) == -ENOENT) {
					memset(&o, 0, sizeof(o));
					if (kind == ENG_OBJ_IKEV1)
						o.v1.id = (uint16_t)strtoul(key, NULL, 10);
					else if (kind == ENG_OBJ_IKEV2)
						o.v2.id = (uint16_t)strtoul(key, NULL, 10);
					else if (kind == ENG_OBJ_IPSEC)
						snprintf(o.ip.name, sizeof(o.ip.name), "%s", key);
					else
						snprintf(o.t.name, sizeof(o.t.name), "%s", key);
					rc = eng_obj_put(sess, kind, &o, NULL);
				}
				eng_obj_clear(kind, &o);
				open = rc == 0;
			} else {
				rc = -EINVAL;
			}
		} else if (open) {
			rc = eng_obj_get(sess, ENG_CANDIDATE, kind, key, &o);
			if (rc == 0) {
				rc = apply_line(kind, &o, w[0], n > 1 ? w[1] : NULL,
						n > 2 ? w[2] : NULL);
				if (rc == 0)
					rc = eng_obj_put(sess, kind, &o, NULL);
				eng_obj_clear(kind, &o);
			}
		} else {
			rc = -EINVAL;
		}
		if (rc) {
			eng_diag_addf(diag, "%s:%u: %% invalid line", origin, lineno);
			errors++;
			break;
		}
	}
	free(copy);
	return errors ? -EINVAL : 0;
}

static char *toy_mask(const char *text)
{
	struct sb b = {0};
	const char *p = text;

	add(&b, "%s", "");
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (l > 5 && !strncmp(p, " psk ", 5))
			add(&b, " psk *****");
		else if (l > 7 && !strncmp(p, " xauth ", 7)) {
			const char *sp = memchr(p + 7, ' ', l - 7);
			add(&b, "%.*s *****", (int)(sp ? sp - p : (long)l), p);
		} else
			add(&b, "%.*s", (int)l, p);
		if (nl)
			add(&b, "\n");
		p += l + (nl != NULL);
	}
	return b.s;
}

const struct eng_codec toy_codec = {
    .render = toy_render,
    .load = toy_load,
    .mask = toy_mask,
};
