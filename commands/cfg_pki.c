/*
 * cfg_pki.c - key pairs and certificates: the trustpoint mode
 * (ca-trustpoint), the EXEC commands that generate, import and zeroize
 * key pairs and import certificates, and the show commands.
 *
 * Files named by `file PATH` are read here, by the program the person
 * runs (their permissions, their working directory); their content goes
 * to the engine.  Passphrases are asked at the terminal without echo and
 * never appear in a command line, history or log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg_common.h"

#define PKI_FILE_MAX (192 * 1024) /* a certificate chain, a CRL or a PKCS#12 file */

/* ---- The trustpoint mode ------------------------------------------------ */

static int tp_keypair(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_trustpoint tp;

	if (cmd_obj_load(cs, &tp))
		return -1;
	snprintf(tp.keypair, sizeof(tp.keypair), "%s", a->negate ? "" : cmd_arg_get(a, "label"));
	return cmd_obj_store(cs, &tp);
}

static int tp_subject(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *dn = a->negate ? "" : cmd_arg_get(a, "dn");
	struct eng_trustpoint tp;

	if (strlen(dn) >= sizeof(tp.subject)) {
		cmd_err(cs, "%% subject-name is at most %zu characters", sizeof(tp.subject) - 1);
		return -1;
	}
	if (cmd_obj_load(cs, &tp))
		return -1;
	snprintf(tp.subject, sizeof(tp.subject), "%s", dn);
	return cmd_obj_store(cs, &tp);
}

static int tp_revocation(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *v = cmd_arg_get(a, "method");
	struct eng_trustpoint tp;

	if (cmd_obj_load(cs, &tp))
		return -1;
	tp.revocation =
	    !a->negate && v && strcmp(v, "crl") == 0 ? ENG_REVCHECK_CRL : ENG_REVCHECK_NONE;
	return cmd_obj_store(cs, &tp);
}

static int tp_crl_file(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *path = a->negate ? "" : cmd_arg_get(a, "path");
	struct eng_trustpoint tp;

	if (!path) {
		cmd_err(cs, "%% Incomplete command.");
		return -1;
	}
	if (strlen(path) >= sizeof(tp.crl_file)) {
		cmd_err(cs, "%% crl file is at most %zu characters", sizeof(tp.crl_file) - 1);
		return -1;
	}
	if (cmd_obj_load(cs, &tp))
		return -1;
	snprintf(tp.crl_file, sizeof(tp.crl_file), "%s", path);
	return cmd_obj_store(cs, &tp);
}

void cfg_trustpoint_register(struct cli_def *cli)
{
	const int m = MODE_TRUSTPOINT;
	struct cli_command *c;
	struct cli_optarg *o;

	c = cmd_leaf(cli, NULL, "keypair", m, true, "The key pair of this trustpoint", tp_keypair);
	cmd_argpos(c, "label", 0, "LABEL Key pair label (crypto key generate ... label)", val_name,
		   NULL);
	c = cmd_leaf(cli, NULL, "subject-name", m, true,
		     "Subject of the certificate request (crypto pki enroll)", tp_subject);
	cmd_argpos(c, "dn", ARG_LINE, "LINE A DN: C=DE, O=Example, CN=gw1", val_line, NULL);
	c = cmd_leaf(cli, NULL, "revocation-check", m, true, "How peer certificates are checked",
		     tp_revocation);
	o = cmd_argpos(c, "method", 0, "METHOD none or crl", val_keyword, NULL);
	cmd_kw(o, "none", "Do not check revocation (the default)");
	cmd_kw(o, "crl", "Refuse certificates a CRL of this trustpoint revokes");
	c = cmd_leaf(cli, NULL, "crl", m, true, "Certificate revocation list", tp_crl_file);
	c = cmd_leaf(cli, c, "file", m, true, "A CRL file read at every check (PEM or DER)",
		     tp_crl_file);
	cmd_argpos(c, "path", 0, "PATH Absolute file name", val_word, NULL);
}

void cfg_trustpoint_render(struct strbuf *b, const struct eng_trustpoint *tp)
{
	sb_addf(b, "crypto pki trustpoint %s\n", tp->name);
	if (tp->keypair[0])
		sb_addf(b, " keypair %s\n", tp->keypair);
	if (tp->subject[0])
		sb_addf(b, " subject-name %s\n", tp->subject);
	if (tp->revocation == ENG_REVCHECK_CRL)
		sb_adds(b, " revocation-check crl\n");
	if (tp->crl_file[0]) {
		sb_adds(b, " crl file ");
		sb_addword(b, tp->crl_file);
		sb_adds(b, "\n");
	}
	sb_adds(b, "!\n");
}

/* ---- Input: files, pasted text, passphrases -------------------------------- */

/* The file's content (malloc'd, NUL-terminated, wiped by the caller). */
static int read_input_file(struct cmd_sess *cs, const char *path, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, rc = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto fail;
	}
	if (st.st_size > PKI_FILE_MAX) {
		rc = -EFBIG;
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	cmd_err(cs, "%% cannot read %s: %s", path,
		rc == -EINVAL ? "not a regular file" : strerror(-rc));
	return rc;
}

/* PEM pasted at the terminal, as IOS takes it: up to a blank line or "quit". */
static int read_pasted(struct cmd_sess *cs, const char *what, char **out, size_t *len)
{
	char line[256];
	size_t cap = 0, n = 0;
	char *buf = NULL;
	int lines = 0;

	*out = NULL;
	if (!cs->io.ask || !cs->io.term || !cs->io.term->interactive) {
		cmd_err(cs, "%% no %s given: use `file PATH` in scripts", what);
		return -EINVAL;
	}
	cmd_out(cs, "Enter the %s in PEM.", what);
	cmd_out(cs, "End with a blank line or the word \"quit\" on a line by itself");
	while (cs->io.ask(cs->io.arg, "", line, sizeof(line)) == 0) {
		size_t l = strlen(line);

		if (l == 0 || strcmp(line, "quit") == 0)
			break;
		if (n + l + 2 > PKI_FILE_MAX) {
			cmd_err(cs, "%% the %s is too long", what);
			free(buf);
			return -EFBIG;
		}
		if (n + l + 2 > cap) {
			size_t nc = (n + l + 2) * 2;
			char *nb = realloc(buf, nc);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = nc;
		}
		memcpy(buf + n, line, l);
		n += l;
		buf[n++] = '\n';
		buf[n] = '\0';
		lines++;
	}
	if (!lines) {
		cmd_err(cs, "%% nothing was entered");
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* A passphrase asked without echo; "" when none is given or no one can answer. */
static void ask_secret(struct cmd_sess *cs, const char *question, char *buf, size_t len)
{
	buf[0] = '\0';
	if (cs->io.ask_secret && cs->io.term && cs->io.term->interactive &&
	    cs->io.ask_secret(cs->io.arg, question, buf, len) != 0)
		buf[0] = '\0';
}

static void input_free(char *buf, size_t len)
{
	if (buf) {
		eng_wipe(buf, len);
		free(buf);
	}
}

static int pki_result(struct cmd_sess *cs, int rc, const struct eng_diag *d, const char *what)
{
	if (rc == -EPERM) {
		cmd_err(cs, "%% Access denied");
		return rc;
	}
	if (rc && d->n)
		cmd_err_diag(cs, d);
	else if (rc)
		cmd_fail(cs, rc, what);
	return rc;
}

/* ---- crypto key ------------------------------------------------------------- */

static int key_generate(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *alg = a->cmd->command, *label = cmd_arg_get(a, "label");
	const char *mod = cmd_arg_get(a, "modulus"), *curve = cmd_arg_get(a, "curve");
	enum eng_key_type type = ENG_KEY_ED25519;
	struct eng_diag d = {0};
	unsigned bits = 0;
	int rc;

	if (strcmp(alg, "rsa") == 0) {
		type = ENG_KEY_RSA;
		bits = mod ? (unsigned)strtoul(mod, NULL, 10) : 2048;
	} else if (strcmp(alg, "ecdsa") == 0) {
		type =
		    curve && strcmp(curve, "p384") == 0 ? ENG_KEY_ECDSA_P384 : ENG_KEY_ECDSA_P256;
	}
	if (type == ENG_KEY_RSA && bits >= 3072)
		cmd_out(cs, "%% Generating %u bit RSA keys, this may take a few seconds", bits);
	rc = eng_key_generate(cs->es, label, type, bits, &d);
	if (!pki_result(cs, rc, &d, label))
		cmd_out(cs, "%% Key pair %s generated", label);
	eng_diag_free(&d);
	return rc;
}

static int key_import(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *label = cmd_arg_get(a, "label");
	struct eng_diag d = {0};
	char pass[ENG_SECRET_MAX + 1], *pem;
	size_t len;
	int rc = read_input_file(cs, cmd_arg_get(a, "file"), &pem, &len);

	if (rc)
		return rc;
	pass[0] = '\0';
	if (strstr(pem, "ENCRYPTED"))
		ask_secret(cs, "Passphrase: ", pass, sizeof(pass));
	rc = eng_key_import(cs->es, label, pem, len, pass[0] ? pass : NULL, &d);
	eng_wipe(pass, sizeof(pass));
	input_free(pem, len);
	if (!pki_result(cs, rc, &d, label))
		cmd_out(cs, "%% Key pair %s imported", label);
	eng_diag_free(&d);
	return rc;
}

static int key_zeroize(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *label = cmd_arg_get(a, "label");
	struct eng_diag d = {0};
	int rc = eng_key_zeroize(cs->es, label);

	if (rc == -ENOENT) {
		cmd_err(cs, "%% key pair %s does not exist", label);
		return rc;
	}
	if (!pki_result(cs, rc, &d, label))
		cmd_out(cs, "%% Key pair %s zeroized", label);
	return rc;
}

static const char *key_type_name(const struct eng_key_info *k, char *buf, size_t len)
{
	switch (k->type) {
	case ENG_KEY_RSA:
		snprintf(buf, len, "RSA %u", (unsigned)k->bits);
		break;
	case ENG_KEY_ECDSA_P256:
		snprintf(buf, len, "ECDSA P-256");
		break;
	case ENG_KEY_ECDSA_P384:
		snprintf(buf, len, "ECDSA P-384");
		break;
	case ENG_KEY_ED25519:
		snprintf(buf, len, "Ed25519");
		break;
	default:
		snprintf(buf, len, "unknown");
	}
	return buf;
}

static int show_mypubkey(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_key_info *v;
	size_t n;
	char type[32];
	int rc = eng_key_list(cs->es, &v, &n);

	if (rc)
		return cmd_fail(cs, rc, "show crypto key mypubkey");
	if (n == 0)
		cmd_out(cs, "No key pairs.");
	for (size_t i = 0; i < n; i++) {
		char *line, *save = NULL;

		cmd_out(cs, "Key name: %s", v[i].label);
		cmd_out(cs, " Key type: %s", key_type_name(&v[i], type, sizeof(type)));
		cmd_out(cs, " Fingerprint SHA256: %s", v[i].fingerprint);
		cmd_out(cs, " Key Data:");
		for (line = strtok_r(v[i].pubkey, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			cmd_out(cs, "  %s", line);
	}
	free(v);
	return 0;
}

/* ---- crypto pki ------------------------------------------------------------ */

/* The fingerprints of a trustpoint's certificates of one role, after an import. */
static void say_imported(struct cmd_sess *cs, const char *tp, enum eng_cert_role role)
{
	struct eng_cert_info *v;
	size_t n;

	if (eng_pki_certs(cs->es, tp, &v, &n))
		return;
	for (size_t i = 0; i < n; i++)
		if (v[i].role == role) {
			cmd_out(cs, "  Subject: %s", v[i].subject);
			cmd_out(cs, "  Fingerprint SHA256: %s", v[i].fingerprint);
		}
	free(v);
}

static int pki_authenticate(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *tp = cmd_arg_get(a, "name"), *file = cmd_arg_get(a, "file");
	struct eng_diag d = {0};
	char *pem;
	size_t len;
	int rc = file ? read_input_file(cs, file, &pem, &len)
		      : read_pasted(cs, "CA certificate(s)", &pem, &len);

	if (rc)
		return rc;
	rc = eng_pki_import(cs->es, tp, ENG_PKI_CA, pem, len, NULL, &d);
	input_free(pem, len);
	if (!pki_result(cs, rc, &d, tp)) {
		cmd_out(cs, "Trustpoint %s: CA certificates:", tp);
		say_imported(cs, tp, ENG_CERT_CA);
		cmd_out(cs, "%% Certificate successfully imported");
	}
	eng_diag_free(&d);
	return rc;
}

static int pki_import(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *tp = cmd_arg_get(a, "name"), *what = cmd_arg_get(a, "what");
	const char *file = cmd_arg_get(a, "file"), *pw = cmd_arg_get(a, "password");
	enum eng_pki_what kind = strcmp(what, "pkcs12") == 0 ? ENG_PKI_PKCS12
				 : strcmp(what, "crl") == 0  ? ENG_PKI_CRL
							     : ENG_PKI_CERT;
	char pass[ENG_SECRET_MAX + 1] = "";
	struct eng_diag d = {0};
	char *data;
	size_t len;
	int rc;

	if (kind == ENG_PKI_PKCS12 && !file) {
		cmd_err(cs, "%% crypto pki import %s pkcs12 needs `file PATH`", tp);
		return -EINVAL;
	}
	rc = file ? read_input_file(cs, file, &data, &len)
		  : read_pasted(cs, kind == ENG_PKI_CRL ? "CRL" : "certificate", &data, &len);
	if (rc)
		return rc;
	if (kind == ENG_PKI_PKCS12 && pw)
		snprintf(pass, sizeof(pass), "%s", pw);
	else if (kind == ENG_PKI_PKCS12)
		ask_secret(cs, "PKCS#12 password: ", pass, sizeof(pass));
	rc = eng_pki_import(cs->es, tp, kind, data, len, kind == ENG_PKI_PKCS12 ? pass : NULL, &d);
	eng_wipe(pass, sizeof(pass));
	input_free(data, len);
	if (!pki_result(cs, rc, &d, tp)) {
		if (kind == ENG_PKI_CRL) {
			cmd_out(cs, "%% CRL imported into trustpoint %s", tp);
		} else {
			cmd_out(cs, "Trustpoint %s: this gateway's certificate:", tp);
			say_imported(cs, tp, ENG_CERT_OWN);
			cmd_out(cs, "%% Certificate successfully imported");
		}
	}
	eng_diag_free(&d);
	return rc;
}

static int pki_enroll(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *tp = cmd_arg_get(a, "name");
	struct eng_diag d = {0};
	char *pem = NULL;
	int rc = eng_pki_enroll(cs->es, tp, &pem, &d);

	if (!pki_result(cs, rc, &d, tp)) {
		cmd_out(cs, "%% Certificate request for trustpoint %s (have it signed by the CA,",
			tp);
		cmd_out(cs, "%% then: crypto pki import %s certificate):", tp);
		cmd_out_text(cs, pem);
	}
	free(pem);
	eng_diag_free(&d);
	return rc;
}

static void date_str(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "?");
}

static void show_cert(struct cmd_sess *cs, const struct eng_cert_info *c)
{
	char from[40], to[40];

	date_str(c->not_before, from, sizeof(from));
	date_str(c->not_after, to, sizeof(to));
	cmd_out(cs, "%s", c->role == ENG_CERT_CA ? "CA Certificate" : "Certificate");
	switch (c->state) {
	case ENG_CERT_EXPIRED:
		cmd_out(cs, "  Status: EXPIRED on %s", to);
		break;
	case ENG_CERT_NOT_YET_VALID:
		cmd_out(cs, "  Status: NOT YET VALID (from %s)", from);
		break;
	case ENG_CERT_REVOKED:
		cmd_out(cs, "  Status: REVOKED (CRL of %s)", c->trustpoint);
		break;
	default:
		cmd_out(cs, "  Status: Available");
		break;
	}
	cmd_out(cs, "  Certificate Serial Number (hex): %s", c->serial);
	cmd_out(cs, "  Subject: %s", c->subject);
	cmd_out(cs, "  Issuer: %s", c->issuer);
	cmd_out(cs, "  Validity Date:");
	cmd_out(cs, "    start date: %s", from);
	cmd_out(cs, "    end   date: %s", to);
	cmd_out(cs, "  Key: %s", c->key);
	if (c->san[0])
		cmd_out(cs, "  Subject Alternative Names: %s", c->san);
	cmd_out(cs, "  Usage: %s", c->usage);
	cmd_out(cs, "  Fingerprint SHA256: %s", c->fingerprint);
	cmd_out(cs, "  Associated Trustpoint: %s", c->trustpoint);
}

static int show_certificates(struct cmd_sess *cs, const struct cmd_args *a)
{
	const char *tp = cmd_arg_get(a, "name");
	struct eng_cert_info *v;
	size_t n;
	int rc = eng_pki_certs(cs->es, tp, &v, &n);

	if (rc == -ENOENT) {
		cmd_err(cs, "%% trustpoint %s does not exist", tp);
		return rc;
	}
	if (rc)
		return cmd_fail(cs, rc, "show crypto pki certificates");
	if (n == 0)
		cmd_out(cs, "No certificates.");
	for (size_t i = 0; i < n; i++) {
		if (i)
			cmd_out(cs, "%s", "");
		show_cert(cs, &v[i]);
	}
	free(v);
	return 0;
}

static int show_trustpoints(struct cmd_sess *cs, const struct cmd_args *a)
{
	struct eng_tp_info *v;
	size_t n;
	int rc = eng_pki_trustpoints(cs->es, &v, &n);

	if (rc)
		return cmd_fail(cs, rc, "show crypto pki trustpoints");
	if (n == 0)
		cmd_out(cs, "No trustpoints.");
	for (size_t i = 0; i < n; i++) {
		cmd_out(cs, "Trustpoint %s:%s", v[i].name,
			v[i].configured ? "" : " (not in the running configuration)");
		cmd_out(cs, "  Key pair: %s (%s)", v[i].keypair, v[i].key ? "present" : "missing");
		cmd_out(cs, "  CA certificates: %u", (unsigned)v[i].n_ca);
		cmd_out(cs, "  Certificate: %s", v[i].cert ? "present" : "none");
		cmd_out(cs, "  Revocation check: %s%s",
			v[i].revocation == ENG_REVCHECK_CRL ? "crl" : "none",
			v[i].revocation == ENG_REVCHECK_CRL && !v[i].crl ? " (no CRL yet)" : "");
	}
	free(v);
	return 0;
}

/* ---- Registration ---------------------------------------------------------- */

static void label_arg(struct cli_command *c)
{
	cmd_argnamed(c, "label", ARG_REQUIRED, "LABEL Key pair label", val_name, NULL);
}

void cmds_pki_register(struct cli_def *cli, struct cli_command *show_crypto, int m)
{
	struct cli_command *crypto, *key, *gen, *pki, *c;
	struct cli_optarg *o;

	/* show crypto key mypubkey, show crypto pki ... */
	key = cmd_node(cli, show_crypto, "key", m, false, "Key pairs");
	cmd_leaf(cli, key, "mypubkey", m, false, "The public keys of this gateway's key pairs",
		 show_mypubkey);
	pki = cmd_node(cli, show_crypto, "pki", m, false, "Trustpoints and certificates");
	c = cmd_leaf(cli, pki, "certificates", m, false, "Certificates of the trustpoints",
		     show_certificates);
	cmd_argpos(c, "name", ARG_OPTIONAL, "NAME One trustpoint", val_name, NULL);
	cmd_leaf(cli, pki, "trustpoints", m, false, "What each trustpoint holds", show_trustpoints);

	crypto = cmd_node(cli, NULL, "crypto", m, true, "Key pairs and certificates");
	key = cmd_node(cli, crypto, "key", m, true, "Key pairs");
	gen = cmd_node(cli, key, "generate", m, true, "Generate a key pair");
	c = cmd_leaf(cli, gen, "rsa", m, true, "An RSA key pair", key_generate);
	o = cmd_argnamed(c, "modulus", 0, "BITS Modulus size (default 2048)", val_keyword, NULL);
	cmd_kw(o, "2048", "2048 bits");
	cmd_kw(o, "3072", "3072 bits");
	cmd_kw(o, "4096", "4096 bits");
	label_arg(c);
	c = cmd_leaf(cli, gen, "ecdsa", m, true, "An ECDSA key pair", key_generate);
	o = cmd_argpos(c, "curve", ARG_OPTIONAL, "CURVE p256 (default) or p384", val_keyword, NULL);
	cmd_kw(o, "p256", "NIST P-256");
	cmd_kw(o, "p384", "NIST P-384");
	label_arg(c);
	c = cmd_leaf(cli, gen, "ed25519", m, true, "An Ed25519 key pair", key_generate);
	label_arg(c);
	c = cmd_leaf(cli, key, "import", m, true, "Import a private key from a PEM file",
		     key_import);
	cmd_argpos(c, "label", 0, "LABEL Key pair label", val_name, NULL);
	cmd_argnamed(c, "file", ARG_REQUIRED, "PATH PEM file (the passphrase is asked)", val_word,
		     NULL);
	c = cmd_leaf(cli, key, "zeroize", m, true, "Destroy a key pair", key_zeroize);
	cmd_argpos(c, "label", 0, "LABEL Key pair label", val_name, NULL);

	pki = cmd_node(cli, crypto, "pki", m, true, "Trustpoints and certificates");
	c = cmd_leaf(cli, pki, "authenticate", m, true,
		     "Import the CA certificates of a trustpoint", pki_authenticate);
	cmd_argpos(c, "name", 0, "NAME Trustpoint", val_name, NULL);
	cmd_argnamed(c, "file", 0, "PATH PEM file (pasted at the terminal without it)", val_word,
		     NULL);
	c = cmd_leaf(cli, pki, "import", m, true, "Import this gateway's certificate or a CRL",
		     pki_import);
	cmd_argpos(c, "name", 0, "NAME Trustpoint", val_name, NULL);
	o = cmd_argpos(c, "what", 0, "WHAT certificate, pkcs12 or crl", val_keyword, NULL);
	cmd_kw(o, "certificate", "This gateway's certificate (PEM)");
	cmd_kw(o, "pkcs12", "Key pair, certificate and CA certificates (PKCS#12 file)");
	cmd_kw(o, "crl", "A certificate revocation list (PEM or DER)");
	cmd_argnamed(c, "file", 0, "PATH The file (PEM pasted at the terminal without it)",
		     val_word, NULL);
	cmd_argnamed(c, "password", ARG_SECRET, "PASSWORD PKCS#12 password (asked without it)",
		     val_secret, NULL);
	c = cmd_leaf(cli, pki, "enroll", m, true, "Print a PKCS#10 request for a trustpoint",
		     pki_enroll);
	cmd_argpos(c, "name", 0, "NAME Trustpoint", val_name, NULL);
}
