/*
 * pki.h - the PKI layer's face: key pairs, trustpoints and certificates
 * on OpenSSL 3, kept in one directory of the state directory.
 *
 *   DIR/keys/LABEL.pem            a private key, PKCS#8 PEM, mode 0600
 *   DIR/trustpoints/NAME/ca.pem   the CA certificates (root and intermediates)
 *   DIR/trustpoints/NAME/cert.pem the gateway's own certificate
 *   DIR/trustpoints/NAME/crl.pem  an imported CRL
 *
 * Every file is written atomically (a temporary file of mode 0600, then
 * rename).  A private key is never printed, logged or put in a diag line;
 * every buffer that held one is wiped before it is freed.
 *
 * Which key pair a trustpoint uses and whether it checks CRLs is
 * configuration (engine.h's struct eng_trustpoint): the store holds the
 * material only, and the callers hand it the configured trustpoint.
 *
 * For the IKE layer: pki_creds_get() gives, for one trustpoint, plain
 * OpenSSL objects -- our private key (EVP_PKEY), our certificate and the
 * chain to send (STACK_OF(X509)), and the trust anchor (X509_STORE plus
 * the CRLs when revocation-check crl) -- and pki_verify() /
 * pki_id_match() check a peer's certificate against them.
 */
#ifndef IKESH_PKI_H
#define IKESH_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "engine.h"
#include "model.h"

struct pki;

/* Opens (creating) the store in dir.  log may be NULL. */
int pki_open(const char *dir, struct eng_log *log, struct pki **out);
void pki_close(struct pki *p);

/* A label or trustpoint name: 1-63 of [A-Za-z0-9._-], not starting with '.'. */
bool pki_name_ok(const char *name);

/* ---- Key pairs -------------------------------------------------------- */

/* bits: RSA 2048/3072/4096 (0 = 2048); ignored for the other types.
 * -EEXIST when the label is taken (zeroize it first). */
int pki_key_generate(struct pki *p, const char *label, enum eng_key_type type, unsigned bits,
		     struct eng_diag *diag);
/* A private key in PEM (PKCS#8, traditional, or encrypted with passphrase,
 * which may be NULL).  Only the key types above are accepted. */
int pki_key_import(struct pki *p, const char *label, const char *pem, size_t len,
		   const char *passphrase, struct eng_diag *diag);
/* Removes the key file (overwritten first).  -ENOENT when absent. */
int pki_key_zeroize(struct pki *p, const char *label);
bool pki_key_exists(struct pki *p, const char *label);
/* Every key pair, by label; public parts only.  free(). */
int pki_key_list(struct pki *p, struct eng_key_info **out, size_t *n);
/* The private key; EVP_PKEY_free() it.  NULL when absent or unreadable. */
EVP_PKEY *pki_key_load(struct pki *p, const char *label);

/* ---- Trustpoint material ------------------------------------------------ */

/* The configuration the store needs for one trustpoint. */
struct pki_tp {
	const char *name;
	const char *keypair; /* NULL or "": the key pair labelled like the trustpoint */
	const char *subject; /* subject-name, for enroll; NULL = none */
	bool crl;	     /* revocation-check crl */
	const char *crl_file;
};

/* `crypto pki authenticate`: one or more CA certificates in PEM (a root
 * and intermediates); replaces the trustpoint's CA set.  Every
 * certificate must be a CA and chain to a self-signed one of the set. */
int pki_ca_import(struct pki *p, const char *tp, const char *pem, size_t len,
		  struct eng_diag *diag);
/* The gateway's own certificate; its public key must be the key pair's,
 * and it must chain to the trustpoint's CA set. */
int pki_cert_import(struct pki *p, const struct pki_tp *tp, const char *pem, size_t len,
		    struct eng_diag *diag);
/* PKCS#12 (DER): its key becomes the key pair (label: tp->keypair or the
 * trustpoint name; must not exist yet), its certificate the trustpoint's
 * own and its CA certificates the CA set. */
int pki_pkcs12_import(struct pki *p, const struct pki_tp *tp, const void *der, size_t len,
		      const char *password, struct eng_diag *diag);
/* A CRL in PEM or DER, signed by one of the trustpoint's CAs. */
int pki_crl_import(struct pki *p, const char *tp, const void *data, size_t len,
		   struct eng_diag *diag);
/* Removes every certificate and CRL of a trustpoint (not its key pair). */
int pki_tp_remove(struct pki *p, const char *tp);
/* Names of trustpoints that have material, sorted.  eng_keys_free(). */
int pki_tp_names(struct pki *p, struct eng_keys *out);

/* `crypto pki enroll`: a PKCS#10 request in PEM for the key pair and
 * tp->subject (a DN as pki_dn_parse reads it).  malloc'd. */
int pki_enroll(struct pki *p, const struct pki_tp *tp, char **pem, struct eng_diag *diag);

/* The certificates of one trustpoint (CA set, then the own one), as show
 * prints them; state judged at now (and against the CRL when crl). */
int pki_cert_list(struct pki *p, const struct pki_tp *tp, time_t now, struct eng_cert_info **out,
		  size_t *n);
/* What one trustpoint holds, for `show crypto pki trustpoints`. */
void pki_tp_info(struct pki *p, const struct pki_tp *tp, struct eng_tp_info *out);

/* ---- Credentials for the IKE layer -------------------------------------- */

/*
 * One trustpoint's credentials as OpenSSL objects, owned by the struct
 * (pki_creds_free).  A caller that keeps one of them beyond takes its own
 * reference (EVP_PKEY_up_ref, X509_up_ref, X509_STORE_up_ref).
 */
struct pki_creds {
	EVP_PKEY *key;		   /* our private key; NULL when the key pair is missing */
	X509 *cert;		   /* our certificate; NULL when none was imported */
	STACK_OF(X509) * chain;	   /* intermediate CAs to send after cert (may be empty) */
	X509_STORE *store;	   /* the trust anchors: every CA of the trustpoint */
	STACK_OF(X509_CRL) * crls; /* CRLs to check (empty unless tp->crl) */
	STACK_OF(X509) * cas;	   /* every CA certificate (CERTREQ hashes, untrusted) */
	bool crl_check;		   /* tp->crl */
	char name[ENG_NAME_MAX];   /* the trustpoint, for reasons */
	struct eng_log *log;	   /* debug crypto pki; the store's log */
};

/* Loads what the trustpoint has.  -ENOENT when it has no CA certificate;
 * key and cert may be NULL (callers that sign need both: pki_creds_ready). */
int pki_creds_get(struct pki *p, const struct pki_tp *tp, struct pki_creds *out);
void pki_creds_free(struct pki_creds *c);
/* Empty string when c can sign (key and matching certificate), else why. */
bool pki_creds_ready(const struct pki_creds *c, char *why, size_t len);

/*
 * Verifies a peer's certificate against the trustpoint: chain to one of
 * its CAs (untrusted: intermediates the peer sent, may be NULL), validity
 * at now, key usage allowing signatures, and the CRL when crl_check.
 * 0 when good; -EACCES with the reason in plain words otherwise
 * ("peer certificate expired on 2026-01-03", "peer certificate not
 * signed by trustpoint HQ-CA", "peer certificate revoked (CRL of HQ-CA)").
 */
int pki_verify(const struct pki_creds *c, X509 *peer, STACK_OF(X509) * untrusted, time_t now,
	       char *reason, size_t len);

/* ---- Names and identities ----------------------------------------------- */

/* A DN written "C=DE, O=Example, CN=gw1" (RDNs in certificate order,
 * separated by ',' or '/', '\' escapes, "+" joins a multi-valued RDN;
 * attribute names as OpenSSL knows them or dotted OIDs).  -EINVAL. */
int pki_dn_parse(const char *text, X509_NAME **out);
/* The DN as text in the same form; buf gets "" on failure. */
void pki_dn_str(const X509_NAME *name, char *buf, size_t len);
/* RFC 5280 §7.1 comparison: the same attribute types in the same RDNs,
 * values equal ignoring case and runs of spaces; a pattern value "*"
 * matches any value of that attribute. */
bool pki_dn_match(const X509_NAME *pattern, const X509_NAME *name);

/* IKEv2 identification types (RFC 7296 §3.5) pki_id_match understands. */
enum {
	PKI_ID_IPV4_ADDR = 1,
	PKI_ID_FQDN = 2,
	PKI_ID_RFC822_ADDR = 3,
	PKI_ID_IPV6_ADDR = 5,
	PKI_ID_DER_ASN1_DN = 9,
};

/* Does the certificate vouch for the identity a peer sent (RFC 7296
 * §3.5, RFC 4945 §3.1): DER_ASN1_DN against the subject; IP, FQDN and
 * RFC822 against subjectAltName entries of that type.  false with a
 * reason ("peer identity C=DE, CN=x does not match the certificate"). */
bool pki_id_match(X509 *cert, int id_type, const uint8_t *data, size_t len, char *reason,
		  size_t rlen);

/* debug crypto pki: an ENG_DEBUG_PKI line to the store's log. */
void pki_debug(struct pki *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* IKESH_PKI_H */
