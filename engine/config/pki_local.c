/*
 * pki_local.c - the local engine's key pairs and certificates: the PKI
 * store in state_dir/pki, the trustpoints of the configuration it is
 * read with, the commit check of certificate tunnels, and the
 * credentials handed to the IKE runtime.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "pki.h"

int local_pki_open(struct eng_local *eng, struct eng_diag *diag)
{
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/pki", eng->state_dir);
	rc = pki_open(path, local_log(eng), &eng->pki);
	if (rc)
		eng_diag_addf(diag, "cannot open the key and certificate store %s: %s", path,
			      strerror(-rc));
	return rc;
}

void local_pki_close(struct eng_local *eng)
{
	pki_close(eng->pki);
	eng->pki = NULL;
}

static void tp_of(const struct eng_trustpoint *t, const char *name, struct pki_tp *out)
{
	memset(out, 0, sizeof(*out));
	out->name = t ? t->name : name;
	if (!t)
		return;
	out->keypair = t->keypair;
	out->subject = t->subject;
	out->crl = t->revocation == ENG_REVCHECK_CRL;
	out->crl_file = t->crl_file;
}

/* A trustpoint as the session sees it: its candidate first (a script
 * configures and imports before its commit), then running. */
static const struct eng_trustpoint *sess_tp(struct eng_lsess *s, const char *name)
{
	const struct eng_node *n = NULL;

	if (s->cand)
		n = cfg_find(s->cand, ENG_OBJ_TRUSTPOINT, 0, name);
	if (!n)
		n = cfg_find(s->eng->running, ENG_OBJ_TRUSTPOINT, 0, name);
	return n ? &n->u.trustpoint : NULL;
}

static const struct eng_trustpoint *running_tp(struct eng_local *eng, const char *name)
{
	const struct eng_node *n = cfg_find(eng->running, ENG_OBJ_TRUSTPOINT, 0, name);

	return n ? &n->u.trustpoint : NULL;
}

/* What the store changed may change what the tunnels authenticate with. */
static void changed(struct eng_lsess *s, const char *what, const char *name)
{
	eng_logf(local_log(s->eng), ENG_LOG_NOTICE, "%s %s by %s", what, name, s->pub.user);
	local_rt_sync(s->eng);
}

int local_key_generate(struct eng_lsess *s, const char *label, enum eng_key_type type,
		       unsigned bits, struct eng_diag *diag)
{
	int rc = pki_key_generate(s->eng->pki, label, type, bits, diag);

	if (rc == 0)
		changed(s, "key pair generated:", label);
	return rc;
}

int local_key_import(struct eng_lsess *s, const char *label, const char *pem, size_t len,
		     const char *passphrase, struct eng_diag *diag)
{
	int rc = pki_key_import(s->eng->pki, label, pem, len, passphrase, diag);

	if (rc == 0)
		changed(s, "key pair imported:", label);
	return rc;
}

int local_key_zeroize(struct eng_lsess *s, const char *label)
{
	int rc = pki_key_zeroize(s->eng->pki, label);

	if (rc == 0)
		changed(s, "key pair zeroized:", label);
	return rc;
}

int local_key_list(struct eng_lsess *s, struct eng_key_info **out, size_t *n)
{
	return pki_key_list(s->eng->pki, out, n);
}

int local_pki_import(struct eng_lsess *s, const char *name, enum eng_pki_what what,
		     const void *data, size_t len, const char *password, struct eng_diag *diag)
{
	const struct eng_trustpoint *t = sess_tp(s, name);
	struct pki_tp tp;
	int rc;

	if (!t) {
		eng_diag_addf(diag, "trustpoint %s is not configured (crypto pki trustpoint %s)",
			      name, name);
		return -ENOENT;
	}
	tp_of(t, name, &tp);
	switch (what) {
	case ENG_PKI_CA:
		rc = pki_ca_import(s->eng->pki, name, data, len, diag);
		break;
	case ENG_PKI_CERT:
		rc = pki_cert_import(s->eng->pki, &tp, data, len, diag);
		break;
	case ENG_PKI_PKCS12:
		rc = pki_pkcs12_import(s->eng->pki, &tp, data, len, password, diag);
		break;
	case ENG_PKI_CRL:
		rc = pki_crl_import(s->eng->pki, name, data, len, diag);
		break;
	default:
		return -EINVAL;
	}
	if (rc == 0)
		changed(s,
			what == ENG_PKI_CA    ? "CA certificates imported into trustpoint"
			: what == ENG_PKI_CRL ? "CRL imported into trustpoint"
					      : "certificate imported into trustpoint",
			name);
	return rc;
}

int local_pki_enroll(struct eng_lsess *s, const char *name, char **pem, struct eng_diag *diag)
{
	const struct eng_trustpoint *t = sess_tp(s, name);
	struct pki_tp tp;

	if (!t) {
		eng_diag_addf(diag, "trustpoint %s is not configured", name);
		return -ENOENT;
	}
	tp_of(t, name, &tp);
	return pki_enroll(s->eng->pki, &tp, pem, diag);
}

/* The trustpoints to show: the running ones and those with material. */
static int tp_names(struct eng_local *eng, struct eng_keys *out)
{
	const struct eng_tab *tab = &eng->running->t[ENG_OBJ_TRUSTPOINT];
	struct eng_keys stored;
	size_t cap;
	int rc = pki_tp_names(eng->pki, &stored);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	cap = tab->n + stored.n;
	out->keys = calloc(cap ? cap : 1, sizeof(*out->keys));
	if (!out->keys) {
		eng_keys_free(&stored);
		return -ENOMEM;
	}
	/* both lists are sorted: merge them */
	for (size_t i = 0, j = 0; i < tab->n || j < stored.n;) {
		const char *a = i < tab->n ? tab->v[i]->u.trustpoint.name : NULL;
		const char *b = j < stored.n ? stored.keys[j] : NULL;
		int c = !a ? 1 : !b ? -1 : strcmp(a, b);
		char *v = strdup(c <= 0 ? a : b);

		if (!v) {
			eng_keys_free(out);
			eng_keys_free(&stored);
			return -ENOMEM;
		}
		out->keys[out->n++] = v;
		i += c <= 0;
		j += c >= 0;
	}
	eng_keys_free(&stored);
	return 0;
}

int local_pki_certs(struct eng_lsess *s, const char *name, struct eng_cert_info **out, size_t *n)
{
	struct eng_keys names;
	struct eng_cert_info *all = NULL;
	size_t total = 0;
	int rc = tp_names(s->eng, &names);

	if (rc)
		return rc;
	for (size_t i = 0; i < names.n; i++) {
		struct eng_cert_info *v, *grown;
		struct pki_tp tp;
		size_t k;

		if (name && strcmp(names.keys[i], name) != 0)
			continue;
		tp_of(running_tp(s->eng, names.keys[i]), names.keys[i], &tp);
		rc = pki_cert_list(s->eng->pki, &tp, (time_t)(eng_now_ms() / 1000), &v, &k);
		if (rc)
			break;
		grown = realloc(all, (total + k + 1) * sizeof(*all));
		if (!grown) {
			free(v);
			rc = -ENOMEM;
			break;
		}
		all = grown;
		memcpy(all + total, v, k * sizeof(*v));
		total += k;
		free(v);
	}
	eng_keys_free(&names);
	if (rc) {
		free(all);
		return rc;
	}
	if (name && !running_tp(s->eng, name) && total == 0) {
		free(all);
		return -ENOENT;
	}
	*out = all ? all : calloc(1, sizeof(*all));
	*n = total;
	return *out ? 0 : -ENOMEM;
}

int local_pki_trustpoints(struct eng_lsess *s, struct eng_tp_info **out, size_t *n)
{
	struct eng_keys names;
	struct eng_tp_info *v;
	int rc = tp_names(s->eng, &names);

	if (rc)
		return rc;
	v = calloc(names.n ? names.n : 1, sizeof(*v));
	if (!v) {
		eng_keys_free(&names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < names.n; i++) {
		const struct eng_trustpoint *t = running_tp(s->eng, names.keys[i]);
		struct pki_tp tp;

		tp_of(t, names.keys[i], &tp);
		pki_tp_info(s->eng->pki, &tp, &v[i]);
		v[i].configured = t != NULL;
	}
	*n = names.n;
	*out = v;
	eng_keys_free(&names);
	return 0;
}

/* ---- Commit and runtime --------------------------------------------------- */

static bool dn_ok(const char *text)
{
	X509_NAME *n = NULL;
	int rc = pki_dn_parse(text, &n);

	X509_NAME_free(n);
	return rc == 0;
}

static void check_dn(const struct eng_tunnel *t, const char *what, const struct eng_ident *id,
		     struct eng_diag *d)
{
	if (id->kind == ENG_ID_DN && (!id->value || !dn_ok(id->value)))
		eng_diag_addf(d, "tunnel %s: %s dn \"%s\" is not a distinguished name", t->name,
			      what, id->value ? id->value : "");
}

/*
 * DNs are names (C=DE, O=Example, CN=gw1) in local-id, remote-id and
 * subject-name.  A certificate tunnel needs its trustpoint configured and
 * holding a CA set, a key pair and a certificate for it.
 */
void local_pki_validate(struct eng_local *eng, const struct eng_cfg *c, struct eng_diag *d)
{
	const struct eng_tab *tab = &c->t[ENG_OBJ_TUNNEL];
	const struct eng_tab *tps = &c->t[ENG_OBJ_TRUSTPOINT];

	for (size_t i = 0; i < tps->n; i++) {
		const struct eng_trustpoint *tp = &tps->v[i]->u.trustpoint;

		if (tp->subject[0] && !dn_ok(tp->subject))
			eng_diag_addf(d,
				      "trustpoint %s: subject-name %s is not a distinguished name",
				      tp->name, tp->subject);
	}
	for (size_t i = 0; i < tab->n; i++) {
		const struct eng_tunnel *t = &tab->v[i]->u.tunnel;
		const struct eng_node *n;
		struct pki_creds cr;
		struct pki_tp tp;
		char why[200];

		check_dn(t, "local-id", &t->local_id, d);
		check_dn(t, "remote-id", &t->remote_id, d);

		if (t->auth != ENG_AUTH_CERT || !t->trustpoint || !t->trustpoint[0])
			continue;
		n = cfg_find(c, ENG_OBJ_TRUSTPOINT, 0, t->trustpoint);
		if (!n) {
			eng_diag_addf(d, "tunnel %s: trustpoint %s does not exist", t->name,
				      t->trustpoint);
			continue;
		}
		tp_of(&n->u.trustpoint, t->trustpoint, &tp);
		if (pki_creds_get(eng->pki, &tp, &cr)) {
			eng_diag_addf(d,
				      "tunnel %s: trustpoint %s has no CA certificate (crypto pki "
				      "authenticate %s)",
				      t->name, t->trustpoint, t->trustpoint);
			continue;
		}
		if (!pki_creds_ready(&cr, why, sizeof(why)))
			eng_diag_addf(d, "tunnel %s: %s", t->name, why);
		pki_creds_free(&cr);
	}
}

/* The credentials of every certificate tunnel of running, for rt_sync;
 * entry i is tunnel i's (zero when it has none).  pki_creds_free each. */
struct pki_creds *local_pki_creds(struct eng_local *eng, const struct eng_tab *tunnels)
{
	struct pki_creds *v = calloc(tunnels->n ? tunnels->n : 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < tunnels->n; i++) {
		const struct eng_tunnel *t = &tunnels->v[i]->u.tunnel;
		const struct eng_trustpoint *tpc;
		struct pki_tp tp;

		if (t->auth != ENG_AUTH_CERT || !t->trustpoint)
			continue;
		tpc = running_tp(eng, t->trustpoint);
		if (!tpc)
			continue;
		tp_of(tpc, t->trustpoint, &tp);
		pki_creds_get(eng->pki, &tp, &v[i]);
	}
	return v;
}
