/*
 * objapi.c - objects read and edited through a session (running or its
 * candidate), and their canonical text; operators see secrets masked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

/* ---- Objects -------------------------------------------------------- */

static const struct eng_cfg *sess_db(struct eng_lsess *sess, enum eng_db db, int *rc)
{
	*rc = 0;
	if (db == ENG_RUNNING)
		return sess->eng->running;
	if (db == ENG_CANDIDATE) {
		if (!sess->cand)
			*rc = -ENOTCONN;
		else
			*rc = eng_cand_refresh(sess);
		return *rc ? NULL : sess->cand;
	}
	*rc = -EINVAL;
	return NULL;
}

static void mask_secret(char **s)
{
	if (!*s)
		return;
	eng_secret_free(*s);
	*s = strdup("*****");
}

int local_obj_get(struct eng_lsess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		  void *out)
{
	const struct eng_cfg *c;
	struct eng_node *n;
	uint32_t num;
	int rc;

	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	c = sess_db(sess, db, &rc);
	if (!c)
		return rc;
	if (eng_key_parse(kind, key, &num))
		return -ENOENT;
	n = cfg_find(c, kind, num, kind == ENG_OBJ_GLOBAL ? "" : key);
	if (!n) {
		if (kind != ENG_OBJ_GLOBAL)
			return -ENOENT;
		memset(out, 0, sizeof(struct eng_global));
		return 0;
	}
	rc = eng_obj_copy(kind, out, &n->u);
	if (rc)
		return rc;
	if (kind == ENG_OBJ_TUNNEL && sess->pub.role != ENG_ROLE_ADMIN) {
		struct eng_tunnel *t = out;

		mask_secret(&t->psk);
		mask_secret(&t->xauth_password);
	}
	return 0;
}

int local_obj_put(struct eng_lsess *sess, enum eng_kind kind, const void *obj,
		  struct eng_diag *diag)
{
	struct eng_node *n;
	int rc;

	if (!sess || !obj || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	if (!sess->cand)
		return -ENOTCONN;
	rc = eng_obj_check(kind, obj, diag);
	if (!rc)
		rc = eng_cand_refresh(sess);
	if (rc)
		return rc;
	if (kind == ENG_OBJ_GLOBAL && eng_global_is_default(obj)) {
		cfg_remove(sess->cand, kind, 0, "");
		return 0;
	}
	n = node_new(kind, obj);
	if (!n)
		return -ENOMEM;
	rc = cfg_set(sess->cand, n);
	if (rc)
		node_unref(n);
	return rc;
}

int local_obj_del(struct eng_lsess *sess, enum eng_kind kind, const char *key)
{
	uint32_t num;

	if (!sess || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	if (!sess->cand)
		return -ENOTCONN;
	if (eng_cand_refresh(sess))
		return -ENOMEM;
	if (kind == ENG_OBJ_GLOBAL) {
		cfg_remove(sess->cand, kind, 0, "");
		return 0;
	}
	if (eng_key_parse(kind, key, &num))
		return -ENOENT;
	return cfg_remove(sess->cand, kind, num, key) ? 0 : -ENOENT;
}

int local_keys(struct eng_lsess *sess, enum eng_db db, enum eng_kind kind, struct eng_keys *out)
{
	const struct eng_cfg *c;
	const struct eng_tab *t;
	int rc;

	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	c = sess_db(sess, db, &rc);
	if (!c)
		return rc;
	t = &c->t[kind];
	out->keys = calloc(t->n + 1, sizeof(*out->keys));
	if (!out->keys)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		out->keys[i] = strdup(t->v[i]->key);
		if (!out->keys[i]) {
			eng_keys_free(out);
			return -ENOMEM;
		}
		out->n++;
	}
	return 0;
}

/* ---- Text ----------------------------------------------------------- */

/* startup-config's text (in clear, wiped here) printed with its secrets sealed. */
static int startup_sealed(struct eng_local *eng, char *text, size_t len, char **out)
{
	struct eng_diag d = {0};
	struct eng_cfg *c = NULL;
	int rc = eng_load_text(eng, text, len, "startup-config", &d, &c);

	eng_wipe(text, len);
	free(text);
	eng_diag_free(&d);
	if (rc)
		return rc;
	rc = cfg_render_sealed(eng, c, out);
	cfg_unref(c);
	return rc;
}

int local_config_text(struct eng_lsess *sess, enum eng_db db, unsigned flags, char **out)
{
	bool secrets = (flags & ENG_TEXT_SECRETS) && sess && sess->pub.role == ENG_ROLE_ADMIN;
	bool sealed =
	    !secrets && (flags & ENG_TEXT_SEALED) && sess && sess->pub.role == ENG_ROLE_ADMIN;
	const struct eng_cfg *c;
	int rc;

	if (!sess || !out)
		return -EINVAL;
	*out = NULL;
	if (db == ENG_STARTUP) {
		char path[4096], *text;
		size_t len;

		snprintf(path, sizeof(path), "%s/startup-config", sess->eng->state_dir);
		rc = eng_read_file(path, &text, &len);
		if (rc)
			return rc;
		if (secrets) {
			*out = text;
			return 0;
		}
		if (sealed)
			return startup_sealed(sess->eng, text, len, out);
		*out = sess->eng->codec->mask(text);
		eng_wipe(text, len);
		free(text);
		return *out ? 0 : -ENOMEM;
	}
	c = sess_db(sess, db, &rc);
	if (!c)
		return rc;
	if (sealed)
		return cfg_render_sealed(sess->eng, c, out);
	*out = cfg_render(sess->eng, c, secrets);
	return *out ? 0 : -ENOMEM;
}

int local_obj_text(struct eng_lsess *sess, enum eng_db db, enum eng_kind kind, const char *key,
		   unsigned flags, char **out)
{
	bool secrets = (flags & ENG_TEXT_SECRETS) && sess && sess->pub.role == ENG_ROLE_ADMIN;
	bool sealed =
	    !secrets && (flags & ENG_TEXT_SEALED) && sess && sess->pub.role == ENG_ROLE_ADMIN;
	const struct eng_cfg *c;
	struct eng_node *n;
	uint32_t num;
	int rc;

	if (!sess || !out || (unsigned)kind >= ENG_OBJ_KINDS)
		return -EINVAL;
	*out = NULL;
	c = sess_db(sess, db, &rc);
	if (!c)
		return rc;
	if (eng_key_parse(kind, key, &num))
		return -ENOENT;
	n = cfg_find(c, kind, num, kind == ENG_OBJ_GLOBAL ? "" : key);
	if (!n) {
		if (kind != ENG_OBJ_GLOBAL)
			return -ENOENT;
		*out = strdup("");
	} else if (sealed) {
		*out = node_text_sealed(sess->eng, n);
	} else {
		*out = node_text_for(sess->eng, n, secrets);
	}
	return *out ? 0 : -ENOMEM;
}
