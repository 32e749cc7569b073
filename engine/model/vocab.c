/*
 * vocab.c - the words of configuration (algorithm names, addresses,
 * prefixes), diagnostics, and a growing string.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model.h"

static const char *const encr_names[ENG_ENCR_COUNT] = {
    [ENG_ENCR_AES128] = "aes128",
    [ENG_ENCR_AES192] = "aes192",
    [ENG_ENCR_AES256] = "aes256",
    [ENG_ENCR_AES128_GCM] = "aes128-gcm",
    [ENG_ENCR_AES256_GCM] = "aes256-gcm",
    [ENG_ENCR_CHACHA20_POLY1305] = "chacha20-poly1305",
    [ENG_ENCR_3DES] = "3des",
    [ENG_ENCR_DES] = "des",
    [ENG_ENCR_NULL] = "null",
};

static const char *const hash_names[ENG_HASH_COUNT] = {
    [ENG_HASH_MD5] = "md5",	  [ENG_HASH_SHA1] = "sha1",	[ENG_HASH_SHA256] = "sha256",
    [ENG_HASH_SHA384] = "sha384", [ENG_HASH_SHA512] = "sha512",
};

const char *eng_encr_name(enum eng_encr e)
{
	if ((unsigned)e >= ENG_ENCR_COUNT || !encr_names[e])
		return "?";
	return encr_names[e];
}

const char *eng_hash_name(enum eng_hash h)
{
	if ((unsigned)h >= ENG_HASH_COUNT || !hash_names[h])
		return "?";
	return hash_names[h];
}

int eng_encr_parse(const char *word)
{
	for (int i = 1; word && i < ENG_ENCR_COUNT; i++)
		if (strcmp(word, encr_names[i]) == 0)
			return i;
	return -EINVAL;
}

int eng_hash_parse(const char *word)
{
	for (int i = 1; word && i < ENG_HASH_COUNT; i++)
		if (strcmp(word, hash_names[i]) == 0)
			return i;
	return -EINVAL;
}

bool eng_encr_is_aead(enum eng_encr e)
{
	return e == ENG_ENCR_AES128_GCM || e == ENG_ENCR_AES256_GCM ||
	       e == ENG_ENCR_CHACHA20_POLY1305;
}

bool eng_group_valid(unsigned group)
{
	switch (group) {
	case 1:
	case 2:
	case 5:
	case 14:
	case 15:
	case 16:
	case 19:
	case 20:
	case 21:
	case 31:
		return true;
	default:
		return false;
	}
}

/* ---- Addresses ------------------------------------------------------ */

int eng_addr_parse(const char *s, struct eng_addr *out)
{
	struct eng_addr a = {0};

	if (!s || !out)
		return -EINVAL;
	if (inet_pton(AF_INET, s, a.bytes) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, a.bytes) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	*out = a;
	return 0;
}

int eng_prefix_parse(const char *s, struct eng_prefix *out)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	struct eng_prefix p = {0};
	unsigned long len;
	unsigned max, bytes;

	if (!s || !out || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	*slash = '\0';
	if (eng_addr_parse(buf, &p.addr) < 0)
		return -EINVAL;
	if (slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2]))
		return -EINVAL;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	max = p.addr.family == AF_INET ? 32 : 128;
	if (errno || *end || len > max)
		return -EINVAL;
	p.len = (uint8_t)len;
	/* host bits must be zero: 10.0.0.1/24 names a host, not a network */
	bytes = max / 8;
	for (unsigned i = 0; i < bytes; i++) {
		unsigned bit0 = i * 8;
		uint8_t mask;

		if (bit0 + 8 <= len)
			continue;
		mask = bit0 >= len ? 0xff : (uint8_t)(0xff >> (len - bit0));
		if (p.addr.bytes[i] & mask)
			return -EINVAL;
	}
	*out = p;
	return 0;
}

char *eng_addr_str(const struct eng_addr *a, char *buf, size_t len)
{
	if (!len)
		return buf;
	buf[0] = '\0';
	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, len, "none");
		return buf;
	}
	if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
		buf[0] = '\0';
	return buf;
}

char *eng_prefix_str(const struct eng_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	eng_addr_str(&p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

bool eng_addr_equal(const struct eng_addr *a, const struct eng_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return memcmp(a->bytes, b->bytes, 4) == 0;
	if (a->family == AF_INET6)
		return memcmp(a->bytes, b->bytes, 16) == 0;
	return true;
}

/* ---- Diagnostics ---------------------------------------------------- */

void eng_diag_vaddf(struct eng_diag *d, const char *fmt, va_list ap)
{
	char **lines;
	char *s;

	if (!d)
		return;
	if (vasprintf(&s, fmt, ap) < 0)
		return;
	lines = realloc(d->lines, (d->n + 1) * sizeof(*lines));
	if (!lines) {
		free(s);
		return;
	}
	d->lines = lines;
	d->lines[d->n++] = s;
}

void eng_diag_addf(struct eng_diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eng_diag_vaddf(d, fmt, ap);
	va_end(ap);
}

void eng_diag_free(struct eng_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	d->lines = NULL;
	d->n = 0;
}

/* ---- A growing string ----------------------------------------------- */

static bool ebuf_grow(struct ebuf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = eng_secret_realloc(b->s, b->len, b->cap, cap); /* it may hold a key */
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void ebuf_reserve(struct ebuf *b, size_t n)
{
	char *s;

	if (b->oom || b->cap >= n)
		return;
	s = eng_secret_realloc(b->s, b->len, b->cap, n);
	if (!s) {
		b->oom = true;
		return;
	}
	b->s = s;
	b->cap = n;
}

void ebuf_add(struct ebuf *b, const char *s, size_t n)
{
	if (!ebuf_grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void ebuf_adds(struct ebuf *b, const char *s)
{
	ebuf_add(b, s, strlen(s));
}

void ebuf_addf(struct ebuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !ebuf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The string (never NULL unless out of memory); the buffer is reset. */
char *ebuf_take(struct ebuf *b)
{
	char *s;

	if (b->oom) {
		eng_wipe(b->s, b->cap);
		free(b->s);
		s = NULL;
	} else {
		s = b->s ? b->s : strdup("");
	}
	memset(b, 0, sizeof(*b));
	return s;
}

/* ---- Tunnel states ------------------------------------------------- */

const char *eng_tun_state_name(enum eng_tun_state st)
{
	switch (st) {
	case ENG_TUN_DOWN:
		return "DOWN";
	case ENG_TUN_SHUTDOWN:
		return "ADMIN-DOWN";
	case ENG_TUN_IDLE:
		return "IDLE";
	case ENG_TUN_CONNECTING:
		return "DOWN-NEGOTIATING";
	case ENG_TUN_UP:
		return "UP-ACTIVE";
	case ENG_TUN_IKE_NO_CHILD:
		return "UP-NO-IPSEC";
	}
	return "?";
}
