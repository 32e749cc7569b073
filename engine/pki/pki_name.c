/*
 * pki_name.c - distinguished names as RFC 5280 names (parsed into
 * X509_NAME, compared attribute by attribute, never as strings) and the
 * match of an IKE identity against a certificate (RFC 4945 §3.1).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pki_int.h"

#define DN_TEXT_MAX 1024
#define DN_RDNS_MAX 32

/* Attribute names, in any case (RFC 4514 §2.3 and the usual aliases). */
static ASN1_OBJECT *attr_type(const char *name)
{
	static const struct {
		const char *alias;
		int nid;
	} aliases[] = {
	    {"C", NID_countryName},
	    {"ST", NID_stateOrProvinceName},
	    {"S", NID_stateOrProvinceName},
	    {"L", NID_localityName},
	    {"O", NID_organizationName},
	    {"OU", NID_organizationalUnitName},
	    {"CN", NID_commonName},
	    {"E", NID_pkcs9_emailAddress},
	    {"EMAIL", NID_pkcs9_emailAddress},
	    {"EMAILADDRESS", NID_pkcs9_emailAddress},
	    {"SN", NID_surname},
	    {"GN", NID_givenName},
	    {"SERIALNUMBER", NID_serialNumber},
	    {"DC", NID_domainComponent},
	    {"UID", NID_userId},
	    {"T", NID_title},
	    {"TITLE", NID_title},
	    {"STREET", NID_streetAddress},
	};
	ASN1_OBJECT *obj;
	char canon[80];
	int nid;

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			return OBJ_nid2obj(aliases[i].nid);
	nid = OBJ_sn2nid(name);
	if (nid == NID_undef)
		nid = OBJ_ln2nid(name);
	if (nid != NID_undef)
		return OBJ_nid2obj(nid);
	/* a dotted OID only, never a name lookup that could guess, and in its
	 * canonical form (no empty arcs, no leading zeros): as it is written back */
	for (const char *c = name; *c; c++)
		if (!isdigit((unsigned char)*c) && *c != '.')
			return NULL;
	obj = OBJ_txt2obj(name, 1);
	if (obj && (OBJ_obj2txt(canon, sizeof(canon), obj, 1) <= 0 || strcmp(canon, name) != 0)) {
		ASN1_OBJECT_free(obj);
		obj = NULL;
	}
	ERR_clear_error();
	return obj;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * One value from *sp up to an unescaped separator; '\' escapes one
 * character or two hex digits (RFC 4514), "..." quotes.  Trailing
 * unescaped spaces are not the value's.
 */
static int read_value(const char **sp, char sep, char *out, size_t cap, size_t *outlen)
{
	const char *s = *sp;
	size_t n = 0, keep = 0;

	while (*s == ' ')
		s++;
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			if (n + 1 >= cap)
				return -EINVAL;
			out[n++] = *s;
		}
		if (*s != '"')
			return -EINVAL;
		s++;
		keep = n;
		while (*s == ' ')
			s++;
	} else {
		for (; *s && *s != sep && *s != '+'; s++) {
			char c = *s;

			if (c == '\\') {
				if (hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
					c = (char)(hexval(s[1]) * 16 + hexval(s[2]));
					s += 2;
				} else if (s[1]) {
					c = *++s;
				} else {
					return -EINVAL;
				}
				if (c == '\0' || n + 1 >= cap)
					return -EINVAL; /* a name never holds a NUL */
				out[n++] = c;
				keep = n;
				continue;
			}
			if (n + 1 >= cap)
				return -EINVAL;
			out[n++] = c;
			if (c != ' ')
				keep = n;
		}
	}
	if (*s && *s != sep && *s != '+')
		return -EINVAL;
	out[keep] = '\0';
	*outlen = keep;
	*sp = s;
	return keep ? 0 : -EINVAL;
}

int pki_dn_parse(const char *text, X509_NAME **out)
{
	X509_NAME *name = NULL;
	char type[64], value[DN_TEXT_MAX];
	const char *s = text;
	char sep = ',';
	int set = 0, rdns = 0;

	*out = NULL;
	if (!text || strnlen(text, DN_TEXT_MAX + 1) > DN_TEXT_MAX)
		return -EINVAL;
	while (*s == ' ')
		s++;
	if (*s == '/') { /* the "/C=DE/O=x" form */
		sep = '/';
		s++;
	}
	name = X509_NAME_new();
	if (!name)
		return -ENOMEM;
	while (*s) {
		ASN1_OBJECT *obj;
		size_t tn = 0, vn = 0;
		int ok;

		while (*s == ' ')
			s++;
		while (*s && *s != '=' && *s != sep && tn + 1 < sizeof(type))
			type[tn++] = *s++;
		while (tn && type[tn - 1] == ' ')
			tn--;
		type[tn] = '\0';
		if (*s != '=' || tn == 0 || ++rdns > DN_RDNS_MAX)
			goto bad;
		s++;
		if (read_value(&s, sep, value, sizeof(value), &vn))
			goto bad;
		obj = attr_type(type);
		if (!obj)
			goto bad;
		ok = X509_NAME_add_entry_by_OBJ(name, obj, MBSTRING_UTF8,
						(const unsigned char *)value, (int)vn, -1, set);
		ASN1_OBJECT_free(obj);
		if (!ok)
			goto bad;
		set = 0;
		if (*s == '+') {
			set = -1; /* the next attribute joins this RDN */
			s++;
		} else if (*s == sep) {
			s++;
			while (*s == ' ')
				s++;
			if (!*s)
				goto bad;
		}
	}
	if (rdns == 0 || set)
		goto bad;
	*out = name;
	return 0;
bad:
	ERR_clear_error();
	X509_NAME_free(name);
	return -EINVAL;
}

/* An entry's value in UTF-8 (OPENSSL_free), or NULL. */
static char *entry_utf8(const X509_NAME_ENTRY *e, int *len)
{
	unsigned char *u = NULL;
	int n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e));

	if (n < 0) {
		ERR_clear_error();
		return NULL;
	}
	*len = n;
	return (char *)u;
}

static void put(char *buf, size_t len, size_t *pos, char c)
{
	if (*pos + 1 < len)
		buf[(*pos)++] = c;
	buf[*pos < len ? *pos : len - 1] = '\0';
}

void pki_dn_str(const X509_NAME *name, char *buf, size_t len)
{
	size_t pos = 0;
	int prev_set = -1;

	if (!len)
		return;
	buf[0] = '\0';
	for (int i = 0; name && i < X509_NAME_entry_count(name); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		const ASN1_OBJECT *o = X509_NAME_ENTRY_get_object(e);
		int nid = OBJ_obj2nid(o), set = X509_NAME_ENTRY_set(e), vn = 0;
		char type[80];
		char *v = entry_utf8(e, &vn);

		if (nid == NID_pkcs9_emailAddress)
			snprintf(type, sizeof(type), "E");
		else if (nid != NID_undef && OBJ_nid2sn(nid))
			snprintf(type, sizeof(type), "%s", OBJ_nid2sn(nid));
		else
			OBJ_obj2txt(type, sizeof(type), o, 1);
		if (i > 0) {
			if (set == prev_set) {
				put(buf, len, &pos, '+');
			} else {
				put(buf, len, &pos, ',');
				put(buf, len, &pos, ' ');
			}
		}
		prev_set = set;
		for (const char *t = type; *t; t++)
			put(buf, len, &pos, *t);
		put(buf, len, &pos, '=');
		for (int k = 0; v && k < vn; k++) {
			unsigned char c = (unsigned char)v[k];

			if (c < 0x20 || c == 0x7f) { /* never a control character on a screen */
				char hex[4];

				snprintf(hex, sizeof(hex), "\\%02X", c);
				for (const char *h = hex; *h; h++)
					put(buf, len, &pos, *h);
				continue;
			}
			if (c == ',' || c == '+' || c == '\\' || c == '"' || c == '/' ||
			    ((k == 0 || k == vn - 1) && c == ' '))
				put(buf, len, &pos, '\\');
			put(buf, len, &pos, (char)c);
		}
		OPENSSL_free(v);
	}
}

/* RFC 4518 in short: case folded, leading/trailing spaces dropped,
 * inner runs of spaces as one. */
static size_t fold(const char *v, int n, char *out, size_t cap)
{
	size_t k = 0;
	bool space = false;

	for (int i = 0; i < n && k + 1 < cap; i++) {
		unsigned char c = (unsigned char)v[i];

		if (isspace(c)) {
			space = k > 0;
			continue;
		}
		if (space && k + 2 < cap)
			out[k++] = ' ';
		space = false;
		out[k++] = (char)tolower(c);
	}
	out[k] = '\0';
	return k;
}

static bool value_eq(const X509_NAME_ENTRY *pe, const X509_NAME_ENTRY *ne, bool wildcard)
{
	char fa[DN_TEXT_MAX], fb[DN_TEXT_MAX];
	int na = 0, nb = 0;
	char *a = entry_utf8(pe, &na), *b = entry_utf8(ne, &nb);
	bool eq = false;

	if (a && b) {
		if (wildcard && na == 1 && a[0] == '*')
			eq = true;
		else if (memchr(a, 0, (size_t)na) == NULL && memchr(b, 0, (size_t)nb) == NULL)
			eq = fold(a, na, fa, sizeof(fa)) == fold(b, nb, fb, sizeof(fb)) &&
			     strcmp(fa, fb) == 0;
	}
	OPENSSL_free(a);
	OPENSSL_free(b);
	return eq;
}

static bool dn_cmp(const X509_NAME *pattern, const X509_NAME *name, bool wildcard)
{
	int n;

	if (!pattern || !name)
		return false;
	n = X509_NAME_entry_count(pattern);
	if (n == 0 || n != X509_NAME_entry_count(name))
		return false;
	for (int i = 0; i < n; i++) {
		const X509_NAME_ENTRY *pe = X509_NAME_get_entry(pattern, i);
		const X509_NAME_ENTRY *ne = X509_NAME_get_entry(name, i);

		if (OBJ_cmp(X509_NAME_ENTRY_get_object(pe), X509_NAME_ENTRY_get_object(ne)) != 0)
			return false;
		/* the same RDN boundaries: entry i starts a new RDN in both or in neither */
		if (i > 0 && (X509_NAME_ENTRY_set(pe) ==
			      X509_NAME_ENTRY_set(X509_NAME_get_entry(pattern, i - 1))) !=
				 (X509_NAME_ENTRY_set(ne) ==
				  X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i - 1))))
			return false;
		if (!value_eq(pe, ne, wildcard))
			return false;
	}
	return true;
}

bool pki_dn_match(const X509_NAME *pattern, const X509_NAME *name)
{
	return dn_cmp(pattern, name, true);
}

/* ---- Identities ------------------------------------------------------- */

static void id_text(int type, const uint8_t *d, size_t len, char *buf, size_t blen)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	size_t k = 0;

	switch (type) {
	case PKI_ID_IPV4_ADDR:
	case PKI_ID_IPV6_ADDR:
		if ((type == PKI_ID_IPV4_ADDR && len == 4) ||
		    (type == PKI_ID_IPV6_ADDR && len == 16))
			inet_ntop(type == PKI_ID_IPV4_ADDR ? AF_INET : AF_INET6, d, addr,
				  sizeof(addr));
		snprintf(buf, blen, "%s", addr);
		return;
	case PKI_ID_DER_ASN1_DN: {
		const unsigned char *p = d;
		X509_NAME *n = d2i_X509_NAME(NULL, &p, (long)len);

		pki_dn_str(n, buf, blen);
		X509_NAME_free(n);
		ERR_clear_error();
		if (!buf[0])
			snprintf(buf, blen, "(a malformed DN)");
		return;
	}
	default:
		for (size_t i = 0; i < len && k + 1 < blen && k < 200; i++)
			buf[k++] = isprint(d[i]) ? (char)d[i] : '?';
		buf[k] = '\0';
	}
}

static bool email_eq(const uint8_t *d, size_t len, const ASN1_IA5STRING *s)
{
	const char *v = (const char *)ASN1_STRING_get0_data(s);
	size_t n = (size_t)ASN1_STRING_length(s);
	const char *at;

	if (n != len || memchr(v, 0, n) || memchr(d, 0, len))
		return false;
	at = memchr(v, '@', n);
	if (!at)
		return false;
	/* the local part as written, the domain in any case (RFC 5280 §7.5) */
	return memcmp(v, d, (size_t)(at - v)) == 0 &&
	       strncasecmp(at, (const char *)d + (at - v), n - (size_t)(at - v)) == 0;
}

static bool san_match(X509 *cert, int type, const uint8_t *d, size_t len)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	bool ok = false;

	for (int i = 0; gens && !ok && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		int gt;
		const ASN1_STRING *s = GENERAL_NAME_get0_value(g, &gt);
		const unsigned char *v = s ? ASN1_STRING_get0_data(s) : NULL;
		size_t n = s ? (size_t)ASN1_STRING_length(s) : 0;

		if (!v)
			continue;
		switch (type) {
		case PKI_ID_IPV4_ADDR:
		case PKI_ID_IPV6_ADDR:
			ok = gt == GEN_IPADD && n == len && memcmp(v, d, n) == 0;
			break;
		case PKI_ID_FQDN:
			ok = gt == GEN_DNS && n == len && !memchr(d, 0, len) &&
			     strncasecmp((const char *)v, (const char *)d, n) == 0;
			break;
		case PKI_ID_RFC822_ADDR:
			ok = gt == GEN_EMAIL && email_eq(d, len, s);
			break;
		default:
			break;
		}
	}
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	return ok;
}

bool pki_id_match(X509 *cert, int id_type, const uint8_t *data, size_t len, char *reason,
		  size_t rlen)
{
	char id[300];
	bool ok = false;

	if (reason && rlen)
		reason[0] = '\0';
	if (!cert || !data || len == 0 || len > 4096)
		goto no;
	if (id_type == PKI_ID_DER_ASN1_DN) {
		const unsigned char *p = data;
		X509_NAME *n = d2i_X509_NAME(NULL, &p, (long)len);

		ok = n && p == data + len && dn_cmp(n, X509_get_subject_name(cert), false);
		X509_NAME_free(n);
		ERR_clear_error();
	} else if (id_type == PKI_ID_IPV4_ADDR || id_type == PKI_ID_IPV6_ADDR ||
		   id_type == PKI_ID_FQDN || id_type == PKI_ID_RFC822_ADDR) {
		ok = san_match(cert, id_type, data, len);
	} else if (reason) {
		snprintf(reason, rlen,
			 "peer identity of type %d cannot be matched to a certificate", id_type);
		return false;
	}
	if (ok)
		return true;
no:
	if (reason) {
		id_text(id_type, data, data ? len : 0, id, sizeof(id));
		snprintf(reason, rlen, "peer identity %s does not match the certificate", id);
	}
	return false;
}
