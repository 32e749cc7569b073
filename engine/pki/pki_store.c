/*
 * pki_store.c - the PKI store's files: paths, atomic 0600 writes, reads
 * that wipe, and the certificate and CRL files of trustpoints.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>

#include "pki_int.h"

bool pki_name_ok(const char *name)
{
	size_t n;

	if (!name)
		return false;
	n = strnlen(name, ENG_NAME_MAX);
	if (n == 0 || n >= ENG_NAME_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

int pki_path(const struct pki *p, char *buf, size_t len, const char *sub, const char *name)
{
	int n = name ? snprintf(buf, len, "%s/%s/%s", p->dir, sub, name)
		     : snprintf(buf, len, "%s/%s", p->dir, sub);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int pki_tp_dir(const struct pki *p, const char *tp, bool create, char *buf, size_t len)
{
	int rc;

	if (!pki_name_ok(tp))
		return -EINVAL;
	rc = pki_path(p, buf, len, "trustpoints", tp);
	if (rc || !create)
		return rc;
	return eng_mkdirs(buf);
}

int pki_write(const char *dir, const char *name, const void *data, size_t len)
{
	char *copy = malloc(len + 1);
	const char *parts[1];
	int rc;

	/* eng_write_atomic takes strings: a copy with a NUL, wiped after */
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	copy[len] = '\0';
	parts[0] = copy;
	rc = eng_write_atomic(dir, name, parts, 1); /* mkostemp: mode 0600 */
	pki_buf_free(copy, len + 1);
	return rc;
}

int pki_read(const char *path, char **out, size_t *len)
{
	return eng_read_file(path, out, len);
}

void pki_buf_free(char *buf, size_t len)
{
	if (!buf)
		return;
	eng_wipe(buf, len);
	free(buf);
}

/* A write cut short by a crash leaves DIR/.NAME.tmp.XXXXXX behind: it may
 * hold a copy of a key, so it goes (overwritten first) when the store opens. */
static void remove_temps(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4200];
		struct stat st;

		if (e->d_name[0] != '.' || !strstr(e->d_name, ".tmp.") ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

			if (fd >= 0) {
				static const char zero[512];

				for (off_t done = 0; done < st.st_size; done += (off_t)sizeof(zero))
					if (write(fd, zero, sizeof(zero)) <= 0)
						break;
				close(fd);
			}
			unlink(path);
		}
	}
	closedir(d);
}

int pki_open(const char *dir, struct eng_log *log, struct pki **out)
{
	struct pki *p;
	char path[4096];
	int rc;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->dir = strdup(dir);
	p->log = log;
	if (!p->dir) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = pki_path(p, path, sizeof(path), "keys", NULL);
	if (!rc)
		rc = eng_mkdirs(path);
	if (!rc)
		rc = pki_path(p, path, sizeof(path), "trustpoints", NULL);
	if (!rc)
		rc = eng_mkdirs(path);
	if (rc)
		goto fail;
	pki_path(p, path, sizeof(path), "keys", NULL);
	remove_temps(path);
	*out = p;
	return 0;
fail:
	pki_close(p);
	return rc;
}

void pki_close(struct pki *p)
{
	if (!p)
		return;
	free(p->dir);
	free(p);
}

void pki_debug(struct pki *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (!p || !p->log || !(p->log->debug & ENG_DEBUG_PKI))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	eng_debugf(p->log, ENG_DEBUG_PKI, "pki: %s", msg);
}

/* ---- Certificates and CRLs ------------------------------------------ */

int pki_pem_certs(const void *pem, size_t len, STACK_OF(X509) * *out)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b;
	X509 *x;

	*out = NULL;
	if (!sk || len > INT32_MAX)
		goto fail;
	b = BIO_new_mem_buf(pem, (int)len);
	if (!b)
		goto fail;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			BIO_free(b);
			goto fail;
		}
	BIO_free(b);
	ERR_clear_error(); /* the end of the text reads as an error */
	if (sk_X509_num(sk) == 0) {
		sk_X509_free(sk);
		return -EINVAL;
	}
	*out = sk;
	return 0;
fail:
	sk_X509_pop_free(sk, X509_free);
	return -ENOMEM;
}

int pki_save_certs(const struct pki *p, const char *tp, const char *file, STACK_OF(X509) * certs)
{
	char dir[4096];
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int rc;

	if (!b)
		return -ENOMEM;
	rc = pki_tp_dir(p, tp, true, dir, sizeof(dir));
	for (int i = 0; !rc && i < sk_X509_num(certs); i++)
		if (!PEM_write_bio_X509(b, sk_X509_value(certs, i)))
			rc = -ENOMEM;
	if (!rc) {
		n = BIO_get_mem_data(b, &data);
		rc = pki_write(dir, file, data, (size_t)n);
	}
	BIO_free(b);
	return rc;
}

STACK_OF(X509) * pki_load_certs(const struct pki *p, const char *tp, const char *file)
{
	STACK_OF(X509) *sk = NULL;
	char dir[4096], path[4200];
	char *buf;
	size_t len;

	if (pki_tp_dir(p, tp, false, dir, sizeof(dir)))
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (pki_read(path, &buf, &len))
		return NULL;
	pki_pem_certs(buf, len, &sk);
	pki_buf_free(buf, len);
	return sk;
}

/* CRLs from PEM (every one in the text) or one in DER. */
static int parse_crls(const void *data, size_t len, STACK_OF(X509_CRL) * sk)
{
	const unsigned char *d = data;
	X509_CRL *crl;
	BIO *b;
	int n = 0;

	if (len > INT32_MAX)
		return -EINVAL;
	b = BIO_new_mem_buf(data, (int)len);
	if (!b)
		return -ENOMEM;
	while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_CRL_push(sk, crl)) {
			X509_CRL_free(crl);
			break;
		}
		n++;
	}
	BIO_free(b);
	ERR_clear_error();
	if (n == 0) {
		crl = d2i_X509_CRL(NULL, &d, (long)len);
		ERR_clear_error();
		if (!crl)
			return -EINVAL;
		if (!sk_X509_CRL_push(sk, crl)) {
			X509_CRL_free(crl);
			return -ENOMEM;
		}
	}
	return 0;
}

static void load_crl_file(const char *path, STACK_OF(X509_CRL) * sk)
{
	char *buf;
	size_t len;

	if (pki_read(path, &buf, &len))
		return;
	parse_crls(buf, len, sk);
	pki_buf_free(buf, len);
}

/* The imported CRL and the one of crl file PATH, when there is one; the
 * file is read at every call so that a CRL replaced outside is seen. */
STACK_OF(X509_CRL) * pki_load_crls(const struct pki *p, const struct pki_tp *tp)
{
	STACK_OF(X509_CRL) *sk = sk_X509_CRL_new_null();
	char dir[4096], path[4200];

	if (!sk)
		return NULL;
	if (pki_tp_dir(p, tp->name, false, dir, sizeof(dir)) == 0) {
		snprintf(path, sizeof(path), "%s/crl.pem", dir);
		load_crl_file(path, sk);
	}
	if (tp->crl_file && tp->crl_file[0])
		load_crl_file(tp->crl_file, sk);
	return sk;
}

int pki_crl_import(struct pki *p, const char *tp, const void *data, size_t len,
		   struct eng_diag *diag)
{
	STACK_OF(X509_CRL) *crls = sk_X509_CRL_new_null();
	STACK_OF(X509) *cas = NULL;
	char dir[4096];
	BIO *b = NULL;
	char *pem;
	long n;
	int rc;

	if (!crls)
		return -ENOMEM;
	rc = parse_crls(data, len, crls);
	if (rc) {
		eng_diag_addf(diag, "trustpoint %s: no CRL found in the input", tp);
		goto done;
	}
	cas = pki_load_certs(p, tp, "ca.pem");
	if (!cas) {
		eng_diag_addf(diag, "trustpoint %s: no CA certificate (crypto pki authenticate %s)",
			      tp, tp);
		rc = -ENOENT;
		goto done;
	}
	for (int i = 0; i < sk_X509_CRL_num(crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(crls, i);
		bool signed_ok = false;

		for (int j = 0; j < sk_X509_num(cas) && !signed_ok; j++) {
			X509 *ca = sk_X509_value(cas, j);

			signed_ok = X509_NAME_cmp(X509_CRL_get_issuer(crl),
						  X509_get_subject_name(ca)) == 0 &&
				    X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1;
		}
		ERR_clear_error();
		if (!signed_ok) {
			eng_diag_addf(diag, "trustpoint %s: the CRL is not signed by its CA", tp);
			rc = -EINVAL;
			goto done;
		}
	}
	b = BIO_new(BIO_s_mem());
	if (!b) {
		rc = -ENOMEM;
		goto done;
	}
	for (int i = 0; i < sk_X509_CRL_num(crls); i++)
		PEM_write_bio_X509_CRL(b, sk_X509_CRL_value(crls, i));
	n = BIO_get_mem_data(b, &pem);
	rc = pki_tp_dir(p, tp, true, dir, sizeof(dir));
	if (!rc)
		rc = pki_write(dir, "crl.pem", pem, (size_t)n);
	if (rc)
		eng_diag_addf(diag, "trustpoint %s: cannot store the CRL: %s", tp, strerror(-rc));
	else
		pki_debug(p, "trustpoint %s: %d CRL(s) stored", tp, sk_X509_CRL_num(crls));
done:
	BIO_free(b);
	sk_X509_pop_free(cas, X509_free);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	return rc;
}

int pki_tp_remove(struct pki *p, const char *tp)
{
	static const char *const files[] = {"ca.pem", "cert.pem", "crl.pem"};
	char dir[4096], path[4200];
	int rc = pki_tp_dir(p, tp, false, dir, sizeof(dir));

	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pki_dir_names(const struct pki *p, const char *sub, const char *suffix, struct eng_keys *out)
{
	char path[4096];
	struct dirent *e;
	size_t cap = 0, sl = suffix ? strlen(suffix) : 0;
	DIR *d;
	int rc = pki_path(p, path, sizeof(path), sub, NULL);

	memset(out, 0, sizeof(*out));
	if (rc)
		return rc;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) != NULL) {
		char name[ENG_NAME_MAX + 8];
		size_t n = strlen(e->d_name);

		if (sl) {
			if (n <= sl || strcmp(e->d_name + n - sl, suffix) != 0)
				continue;
			n -= sl;
		}
		if (n >= ENG_NAME_MAX)
			continue;
		memcpy(name, e->d_name, n);
		name[n] = '\0';
		if (!pki_name_ok(name))
			continue; /* temporary files and strangers */
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			char **v = realloc(out->keys, nc * sizeof(*v));

			if (!v) {
				rc = -ENOMEM;
				break;
			}
			out->keys = v;
			cap = nc;
		}
		out->keys[out->n] = strdup(name);
		if (!out->keys[out->n]) {
			rc = -ENOMEM;
			break;
		}
		out->n++;
	}
	closedir(d);
	if (rc) {
		eng_keys_free(out);
		return rc;
	}
	if (out->n)
		qsort(out->keys, out->n, sizeof(*out->keys), cmp_str);
	return 0;
}

int pki_tp_names(struct pki *p, struct eng_keys *out)
{
	return pki_dir_names(p, "trustpoints", NULL, out);
}
