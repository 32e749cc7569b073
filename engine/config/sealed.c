/*
 * sealed.c - secrets printed sealed (`authentication pre-share key 6
 * TEXT`), so that a saved configuration restores them.
 *
 * A sealed text is AES-256-SIV (RFC 5297) of the secret under the
 * engine's config-key, base64url without padding.  SIV is deterministic:
 * an unchanged secret prints the same text at every `show`, so a tool that
 * compares configurations sees no change.  The cost of that, by design:
 * two equal secrets print equal texts.
 *
 * The config-key is in state_dir/config-key (mode 0600, hex), made from
 * the DRBG the first time a secret is sealed or opened, or derived from a
 * passphrase by `key config-key password-encrypt` (PBKDF2, a fixed salt:
 * the same passphrase gives the same key on every device, which is what
 * lets a backup move).  It is read for each use and wiped after; it never
 * leaves the engine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "random.h"
#include "siv.h"

#define KEY_FILE	"config-key"
#define KEY_LEN		64 /* AES-256-SIV: two AES-256 keys */
#define PASS_ITERATIONS 200000

static const char seal_ad[] = "ikesh sealed secret v1";
static const char pass_salt[] = "ikesh key config-key password-encrypt v1";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---- base64url, no padding ------------------------------------------- */

static void b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = b64[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = b64[v & 63];
	}
	out[o] = '\0';
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* Decodes into out (at most max bytes); -EBADMSG on a bad character or length. */
static int b64_decode(const char *in, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(in), o = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (n % 4 == 1)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(in[i]);

		if (v < 0)
			return -EBADMSG;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == max)
				return -EBADMSG;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* the unused low bits of the last character are zero in a canonical text */
	if (acc & ((1u << bits) - 1))
		return -EBADMSG;
	*len = o;
	return 0;
}

/* ---- The config-key ---------------------------------------------------- */

static int key_write(struct eng_local *eng, const uint8_t key[KEY_LEN])
{
	char hex[KEY_LEN * 2 + 2];
	const char *parts[1] = {hex};
	int rc;

	for (size_t i = 0; i < KEY_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	hex[KEY_LEN * 2] = '\n';
	hex[KEY_LEN * 2 + 1] = '\0';
	rc = eng_write_atomic(eng->state_dir, KEY_FILE, parts, 1); /* mkostemp: 0600 */
	eng_wipe(hex, sizeof(hex));
	return rc;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The engine's config-key, made at the first need. */
static int key_load(struct eng_local *eng, uint8_t key[KEY_LEN])
{
	char path[4096], *text = NULL;
	size_t len = 0;
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", eng->state_dir, KEY_FILE) >= sizeof(path))
		return -ENAMETOOLONG;
	rc = eng_read_file(path, &text, &len);
	if (rc == -ENOENT) {
		rc = crypto_random_bytes(key, KEY_LEN);
		if (rc == 0)
			rc = key_write(eng, key);
		if (rc == 0)
			eng_logf(local_log(eng), ENG_LOG_NOTICE,
				 "a new config-key was made for sealed secrets");
		goto done;
	}
	if (rc)
		goto done;
	rc = -EBADMSG;
	if (len < KEY_LEN * 2 || (len > KEY_LEN * 2 && strcmp(text + KEY_LEN * 2, "\n") != 0))
		goto bad;
	for (size_t i = 0; i < KEY_LEN; i++) {
		int hi = hex_nibble(text[2 * i]), lo = hex_nibble(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto bad;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	rc = 0;
	goto done;
bad:
	eng_logf(local_log(eng), ENG_LOG_ERR, "%s is damaged: sealed secrets cannot be used", path);
done:
	if (text) {
		eng_wipe(text, len);
		free(text);
	}
	if (rc)
		eng_wipe(key, KEY_LEN);
	return rc;
}

int sealed_key_set(struct eng_local *eng, const char *pass)
{
	uint8_t key[KEY_LEN];
	int rc;

	if (strlen(pass) < ENG_CONFIG_KEY_MIN || strlen(pass) > ENG_SECRET_MAX)
		return -EINVAL;
	rc = crypto_passphrase_key(pass, strlen(pass), (const uint8_t *)pass_salt,
				   sizeof(pass_salt) - 1, PASS_ITERATIONS, key, sizeof(key));
	if (rc == 0)
		rc = key_write(eng, key);
	eng_wipe(key, sizeof(key));
	if (rc == 0)
		eng_logf(local_log(eng), ENG_LOG_NOTICE,
			 "the config-key for sealed secrets was set from a passphrase");
	return rc;
}

/* ---- Sealing and opening one secret ------------------------------------- */

static const struct cbuf seal_adv = {(const uint8_t *)seal_ad, sizeof(seal_ad) - 1};

/* ENG_SEALED_MARK and the sealed text of secret; malloc'd. */
static char *seal_one(const uint8_t key[KEY_LEN], const char *secret)
{
	uint8_t ct[ENG_SECRET_MAX + CRYPTO_SIV_TAG_LEN];
	size_t len = strlen(secret);
	char *out;

	if (len > ENG_SECRET_MAX)
		return NULL;
	out = malloc(2 + (len + CRYPTO_SIV_TAG_LEN + 2) / 3 * 4 + 1);
	if (!out)
		return NULL;
	if (crypto_siv_seal(key, KEY_LEN, &seal_adv, 1, (const uint8_t *)secret, len, ct)) {
		free(out);
		return NULL;
	}
	out[0] = ENG_SEALED_MARK;
	b64_encode(ct, len + CRYPTO_SIV_TAG_LEN, out + 1);
	return out;
}

int sealed_open(struct eng_local *eng, const char *text, char **out)
{
	uint8_t key[KEY_LEN], ct[ENG_SECRET_MAX + CRYPTO_SIV_TAG_LEN];
	char *pt = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (b64_decode(text, ct, sizeof(ct), &n) || n <= CRYPTO_SIV_TAG_LEN)
		return -EBADMSG;
	pt = malloc(n - CRYPTO_SIV_TAG_LEN + 1);
	if (!pt)
		return -ENOMEM;
	rc = key_load(eng, key);
	if (rc == 0)
		rc = crypto_siv_open(key, KEY_LEN, &seal_adv, 1, ct, n, (uint8_t *)pt);
	eng_wipe(key, sizeof(key));
	if (rc == 0) {
		pt[n - CRYPTO_SIV_TAG_LEN] = '\0';
		/* what was sealed was a valid secret: printable, no NUL inside */
		for (size_t i = 0; i < n - CRYPTO_SIV_TAG_LEN; i++)
			if ((unsigned char)pt[i] < 0x20 || pt[i] == 0x7f)
				rc = -EBADMSG;
	}
	if (rc) {
		eng_wipe(pt, n - CRYPTO_SIV_TAG_LEN + 1);
		free(pt);
		return rc;
	}
	*out = pt;
	return 0;
}

/* ---- Text with sealed secrets ------------------------------------------ */

/* A tunnel's text with its secrets sealed; NULL on error. */
static char *tunnel_text_sealed(struct eng_local *eng, const uint8_t key[KEY_LEN],
				const struct eng_tunnel *t)
{
	struct eng_tunnel copy = *t; /* shallow: only the two secret pointers change */
	struct eng_obj o = {.kind = ENG_OBJ_TUNNEL, .u.tunnel = &copy};
	char *psk = NULL, *xpw = NULL, *text = NULL;

	if (t->psk && !(copy.psk = psk = seal_one(key, t->psk)))
		goto done;
	if (t->xauth_password && !(copy.xauth_password = xpw = seal_one(key, t->xauth_password)))
		goto done;
	text = eng->codec->render(&o, ENG_TEXT_SECRETS | ENG_TEXT_SEALED);
done:
	free(psk);
	free(xpw);
	return text;
}

static bool node_has_secret(const struct eng_node *n)
{
	return n->kind == ENG_OBJ_TUNNEL && (n->u.tunnel.psk || n->u.tunnel.xauth_password);
}

char *node_text_sealed(struct eng_local *eng, struct eng_node *n)
{
	uint8_t key[KEY_LEN];
	const char *t;
	char *text;

	if (!node_has_secret(n)) {
		t = node_text(eng, n);
		return t ? strdup(t) : NULL;
	}
	if (key_load(eng, key))
		return NULL;
	text = tunnel_text_sealed(eng, key, &n->u.tunnel);
	eng_wipe(key, sizeof(key));
	return text;
}

int cfg_render_sealed(struct eng_local *eng, const struct eng_cfg *c, char **out)
{
	struct ebuf b = {0};
	uint8_t key[KEY_LEN];
	bool have_key = false;
	int rc = -ENOMEM;

	*out = NULL;
	ebuf_adds(&b, "");
	for (int k = 0; k < ENG_OBJ_KINDS; k++) {
		for (size_t i = 0; i < c->t[k].n; i++) {
			struct eng_node *n = c->t[k].v[i];
			char *t;

			if (!node_has_secret(n)) {
				const char *s = node_text(eng, n);

				if (!s)
					goto done;
				ebuf_adds(&b, s);
				continue;
			}
			if (!have_key) {
				rc = key_load(eng, key);
				if (rc)
					goto done;
				have_key = true;
				rc = -ENOMEM;
			}
			t = tunnel_text_sealed(eng, key, &n->u.tunnel);
			if (!t)
				goto done;
			ebuf_adds(&b, t);
			free(t);
		}
	}
	*out = ebuf_take(&b);
	rc = *out ? 0 : -ENOMEM;
done:
	if (have_key)
		eng_wipe(key, sizeof(key));
	if (rc && b.s) {
		eng_wipe(b.s, b.cap);
		free(b.s);
	}
	return rc;
}
