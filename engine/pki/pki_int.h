/*
 * pki_int.h - the PKI layer's internals shared by its sources.
 */
#ifndef IKESH_PKI_INT_H
#define IKESH_PKI_INT_H

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki.h"

struct pki {
	char *dir;
	struct eng_log *log;
};

/* DIR/SUB/NAME into buf; -ENAMETOOLONG. */
int pki_path(const struct pki *p, char *buf, size_t len, const char *sub, const char *name);
/* The trustpoint's folder, created when create. */
int pki_tp_dir(const struct pki *p, const char *tp, bool create, char *buf, size_t len);
/* Writes data to dir/name atomically, mode 0600. */
int pki_write(const char *dir, const char *name, const void *data, size_t len);
/* Reads a whole file (wiped and freed with pki_buf_free); -ENOENT. */
int pki_read(const char *path, char **out, size_t *len);
void pki_buf_free(char *buf, size_t len);

/* Names in DIR/sub (suffix stripped when given), sorted. */
int pki_dir_names(const struct pki *p, const char *sub, const char *suffix, struct eng_keys *out);

/* Certificates from PEM text; an empty stack when none (-EINVAL). */
int pki_pem_certs(const void *pem, size_t len, STACK_OF(X509) * *out);
/* The PEM of a stack of certificates, written to the trustpoint. */
int pki_save_certs(const struct pki *p, const char *tp, const char *file, STACK_OF(X509) * certs);
/* The trustpoint's CA set / own certificate / CRLs; NULL or empty when absent. */
STACK_OF(X509) * pki_load_certs(const struct pki *p, const char *tp, const char *file);
STACK_OF(X509_CRL) * pki_load_crls(const struct pki *p, const struct pki_tp *tp);

/* "RSA 2048", "ECDSA P-256", "Ed25519"; type and bits too when not NULL. */
void pki_key_desc(const EVP_PKEY *k, char *buf, size_t len, enum eng_key_type *type,
		  unsigned *bits);
/* Key pair label of a trustpoint: keypair or its name. */
const char *pki_tp_keylabel(const struct pki_tp *tp);
/* Stores a private key (PKCS#8 PEM, 0600); -EEXIST. */
int pki_key_store(struct pki *p, const char *label, EVP_PKEY *k, struct eng_diag *diag);
/* Is cert signed by one of cas, chained to a self-signed one at now? */
int pki_chain_check(STACK_OF(X509) * cas, X509 *cert, char *why, size_t len);

/* An OpenSSL time as seconds since the epoch. */
int64_t pki_asn1_time(const ASN1_TIME *t);
/* "2026-01-03" */
void pki_date(int64_t t, char *buf, size_t len);

#endif /* IKESH_PKI_INT_H */
