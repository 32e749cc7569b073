/*
 * pki_key.c - key pairs: generated or imported, stored as PKCS#8 PEM of
 * mode 0600 in DIR/keys, loaded for signing, zeroized.
 *
 * The PEM of a private key only ever sits in OpenSSL's secure-memory BIO
 * (cleansed when freed) or in a buffer wiped before free.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>

#include "pki_int.h"

static int key_path(const struct pki *p, const char *label, char *buf, size_t len)
{
	char name[ENG_NAME_MAX + 8];

	if (!pki_name_ok(label))
		return -EINVAL;
	snprintf(name, sizeof(name), "%s.pem", label);
	return pki_path(p, buf, len, "keys", name);
}

bool pki_key_exists(struct pki *p, const char *label)
{
	char path[4096];

	return key_path(p, label, path, sizeof(path)) == 0 && access(path, F_OK) == 0;
}

void pki_key_desc(const EVP_PKEY *k, char *buf, size_t len, enum eng_key_type *type, unsigned *bits)
{
	enum eng_key_type t = ENG_KEY_NONE;
	char group[32] = "";
	int b = EVP_PKEY_get_bits(k);

	if (EVP_PKEY_is_a(k, "RSA")) {
		t = ENG_KEY_RSA;
		snprintf(buf, len, "RSA %d", b);
	} else if (EVP_PKEY_is_a(k, "EC")) {
		EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					       NULL);
		if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
			t = ENG_KEY_ECDSA_P256;
		else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
			t = ENG_KEY_ECDSA_P384;
		snprintf(buf, len, "ECDSA %s",
			 t == ENG_KEY_ECDSA_P256   ? "P-256"
			 : t == ENG_KEY_ECDSA_P384 ? "P-384"
						   : group);
	} else if (EVP_PKEY_is_a(k, "ED25519")) {
		t = ENG_KEY_ED25519;
		snprintf(buf, len, "Ed25519");
	} else {
		snprintf(buf, len, "%s",
			 EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "unknown");
	}
	if (type)
		*type = t;
	if (bits)
		*bits = b > 0 ? (unsigned)b : 0;
}

/* The types a gateway may sign with (the IKE layer's list). */
static bool key_usable(const EVP_PKEY *k, char *why, size_t len)
{
	enum eng_key_type t;
	unsigned bits;
	char desc[48];

	pki_key_desc(k, desc, sizeof(desc), &t, &bits);
	if (t == ENG_KEY_NONE) {
		snprintf(why, len,
			 "a key of type %s is not supported (RSA, ECDSA P-256/P-384, Ed25519)",
			 desc);
		return false;
	}
	if (t == ENG_KEY_RSA && (bits < 2048 || bits > 8192)) {
		snprintf(why, len, "an RSA key of %u bits is not supported (2048 to 8192)", bits);
		return false;
	}
	return true;
}

int pki_key_store(struct pki *p, const char *label, EVP_PKEY *k, struct eng_diag *diag)
{
	char path[4096], dir[4096];
	BIO *b = BIO_new(BIO_s_secmem());
	char *data, why[128];
	long n;
	int rc;

	if (!b)
		return -ENOMEM;
	rc = key_path(p, label, path, sizeof(path));
	if (rc) {
		eng_diag_addf(diag, "key label %s is not valid (letters, digits, '.', '_', '-')",
			      label);
		goto done;
	}
	if (!key_usable(k, why, sizeof(why))) {
		eng_diag_addf(diag, "key %s: %s", label, why);
		rc = -EINVAL;
		goto done;
	}
	if (access(path, F_OK) == 0) {
		eng_diag_addf(diag, "key %s already exists (crypto key zeroize %s first)", label,
			      label);
		rc = -EEXIST;
		goto done;
	}
	if (!PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)) {
		rc = -ENOMEM;
		goto done;
	}
	n = BIO_get_mem_data(b, &data);
	pki_path(p, dir, sizeof(dir), "keys", NULL);
	rc = pki_write(dir, strrchr(path, '/') + 1, data, (size_t)n);
	if (rc)
		eng_diag_addf(diag, "key %s: cannot store it: %s", label, strerror(-rc));
	else
		pki_debug(p, "key %s stored", label);
done:
	BIO_free(b); /* secure memory: cleansed */
	ERR_clear_error();
	return rc;
}

int pki_key_generate(struct pki *p, const char *label, enum eng_key_type type, unsigned bits,
		     struct eng_diag *diag)
{
	EVP_PKEY *k = NULL;
	int rc;

	if (pki_key_exists(p, label)) {
		eng_diag_addf(diag, "key %s already exists (crypto key zeroize %s first)", label,
			      label);
		return -EEXIST;
	}
	switch (type) {
	case ENG_KEY_RSA:
		if (bits == 0)
			bits = 2048;
		if (bits != 2048 && bits != 3072 && bits != 4096) {
			eng_diag_addf(diag, "modulus %u: 2048, 3072 or 4096", bits);
			return -EINVAL;
		}
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
		break;
	case ENG_KEY_ECDSA_P256:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case ENG_KEY_ECDSA_P384:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case ENG_KEY_ED25519:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	default:
		eng_diag_addf(diag, "key type not supported");
		return -EINVAL;
	}
	ERR_clear_error();
	if (!k) {
		eng_diag_addf(diag, "key %s: generation failed", label);
		return -EIO;
	}
	rc = pki_key_store(p, label, k, diag);
	EVP_PKEY_free(k);
	return rc;
}

struct pass {
	const char *s;
	bool asked;
};

static int pass_cb(char *buf, int size, int rwflag, void *arg)
{
	struct pass *pw = arg;
	size_t n;

	pw->asked = true;
	if (!pw->s || !pw->s[0] || size <= 0)
		return -1;
	n = strlen(pw->s);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, pw->s, n);
	return (int)n;
}

int pki_key_import(struct pki *p, const char *label, const char *pem, size_t len,
		   const char *passphrase, struct eng_diag *diag)
{
	struct pass pw = {passphrase, false};
	EVP_PKEY *k;
	BIO *b;
	int rc;

	if (!pki_name_ok(label)) {
		eng_diag_addf(diag, "key label %s is not valid (letters, digits, '.', '_', '-')",
			      label);
		return -EINVAL;
	}
	if (len > INT32_MAX)
		return -EFBIG;
	b = BIO_new_mem_buf(pem, (int)len);
	if (!b)
		return -ENOMEM;
	k = PEM_read_bio_PrivateKey(b, NULL, pass_cb, &pw);
	BIO_free(b);
	ERR_clear_error();
	if (!k) {
		if (pw.asked && (!passphrase || !passphrase[0]))
			eng_diag_addf(diag, "key %s: the key is encrypted and needs its passphrase",
				      label);
		else if (pw.asked)
			eng_diag_addf(diag, "key %s: the passphrase is wrong or the key is damaged",
				      label);
		else
			eng_diag_addf(diag, "key %s: no PEM private key found in the input", label);
		return -EINVAL;
	}
	rc = pki_key_store(p, label, k, diag);
	EVP_PKEY_free(k);
	return rc;
}

EVP_PKEY *pki_key_load(struct pki *p, const char *label)
{
	char path[4096], *buf;
	EVP_PKEY *k = NULL;
	size_t len;
	BIO *b;

	if (key_path(p, label, path, sizeof(path)) || pki_read(path, &buf, &len))
		return NULL;
	b = len <= INT32_MAX ? BIO_new_mem_buf(buf, (int)len) : NULL;
	if (b)
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	pki_buf_free(buf, len);
	ERR_clear_error();
	return k;
}

int pki_key_zeroize(struct pki *p, const char *label)
{
	char path[4096], zero[4096] = {0};
	struct stat st;
	int fd, rc;

	rc = key_path(p, label, path, sizeof(path));
	if (rc)
		return rc;
	/* overwrite before unlinking: the blocks do not keep the key */
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0)
		for (off_t done = 0; done < st.st_size;) {
			size_t n = (size_t)(st.st_size - done) < sizeof(zero)
				       ? (size_t)(st.st_size - done)
				       : sizeof(zero);
			ssize_t w = write(fd, zero, n);

			if (w <= 0)
				break;
			done += w;
		}
	fsync(fd);
	close(fd);
	if (unlink(path) < 0)
		return -errno;
	pki_debug(p, "key %s zeroized", label);
	return 0;
}

/* The public half of a key, for show. */
static void key_info(const char *label, EVP_PKEY *k, struct eng_key_info *ki)
{
	unsigned char *der = NULL, md[32];
	unsigned bits;
	enum eng_key_type t;
	char desc[48], *pem;
	BIO *b;
	int n;

	memset(ki, 0, sizeof(*ki));
	snprintf(ki->label, sizeof(ki->label), "%s", label);
	pki_key_desc(k, desc, sizeof(desc), &t, &bits);
	ki->type = (uint8_t)t;
	ki->bits = (uint16_t)bits;
	n = i2d_PUBKEY(k, &der);
	if (n > 0 && EVP_Digest(der, (size_t)n, md, NULL, EVP_sha256(), NULL))
		for (size_t i = 0; i < 32; i++)
			snprintf(ki->fingerprint + 3 * i, sizeof(ki->fingerprint) - 3 * i,
				 i < 31 ? "%02X:" : "%02X", md[i]);
	OPENSSL_free(der);
	b = BIO_new(BIO_s_mem());
	if (b && PEM_write_bio_PUBKEY(b, k)) {
		long len = BIO_get_mem_data(b, &pem);

		if (len > 0 && (size_t)len < sizeof(ki->pubkey))
			memcpy(ki->pubkey, pem, (size_t)len);
	}
	BIO_free(b);
	ERR_clear_error();
}

int pki_key_list(struct pki *p, struct eng_key_info **out, size_t *n)
{
	struct eng_keys names;
	struct eng_key_info *v;
	int rc = pki_dir_names(p, "keys", ".pem", &names);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	v = calloc(names.n ? names.n : 1, sizeof(*v));
	if (!v) {
		eng_keys_free(&names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < names.n; i++) {
		EVP_PKEY *k = pki_key_load(p, names.keys[i]);

		if (!k)
			continue;
		key_info(names.keys[i], k, &v[*n]);
		EVP_PKEY_free(k);
		(*n)++;
	}
	eng_keys_free(&names);
	*out = v;
	return 0;
}

const char *pki_tp_keylabel(const struct pki_tp *tp)
{
	return tp->keypair && tp->keypair[0] ? tp->keypair : tp->name;
}
