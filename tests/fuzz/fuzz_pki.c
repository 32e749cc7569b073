/*
 * fuzz_pki.c - the PKI layer's parsers of hostile input: a DN as a
 * configuration line gives it (pki_dn_parse), and an identity as a peer
 * sends it, matched against a certificate (pki_id_match).
 *
 * Input: a selector byte, then the text or the identity.  A DN that
 * parses is written out again (pki_dn_str); when that text is within the
 * parser's limit it must parse back to a name that matches the first.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certgen.h"
#include "pki.h"

static X509 *cert;

static X509 *the_cert(void)
{
	EVP_PKEY *k;

	if (cert)
		return cert;
	k = cg_key("p256");
	cert = cg_cert(k, &(struct cg_opts){.subject = "C=DE, O=Example+OU=Lab, CN=gw1",
					    .not_after = 86400,
					    .san = "DNS:gw.example.com,IP:192.0.2.1,"
						   "IP:2001:db8::1,email:ops@example.com"});
	EVP_PKEY_free(k);
	if (!cert)
		abort();
	return cert;
}

static void dn_round_trip(const uint8_t *d, size_t n)
{
	char text[2048], out[4096];
	X509_NAME *a = NULL, *b = NULL;

	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	memcpy(text, d, n);
	text[n] = '\0';
	if (pki_dn_parse(text, &a))
		return;
	pki_dn_str(a, out, sizeof(out));
	if (strlen(out) <= 1024) {
		if (pki_dn_parse(out, &b) != 0 || !pki_dn_match(a, b) || !pki_dn_match(b, a))
			abort(); /* what we write must read back as the same name */
	}
	X509_NAME_free(a);
	X509_NAME_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char reason[300];

	if (n < 1)
		return 0;
	if (d[0] & 1) {
		dn_round_trip(d + 1, n - 1);
		return 0;
	}
	if (n < 2)
		return 0;
	pki_id_match(the_cert(), d[1], d + 2, n - 2, reason, sizeof(reason));
	if (strnlen(reason, sizeof(reason)) == sizeof(reason))
		abort();
	return 0;
}
