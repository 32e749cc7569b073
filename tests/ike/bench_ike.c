/* SPDX-License-Identifier: ISC */
/*
 * IKE SAs (each with one CHILD_SA) established per second between two
 * engines in one process, no sockets and no kernel, with PSK and
 * aes256gcm16-prfsha256-x25519 / ESP aes256gcm16; the heap each
 * established tunnel holds (both ends); and the crypto-only ceiling for the
 * proposal: two X25519 key pairs and derivations per handshake.
 * With certificates (p256, rsa2048): each end signs with its key and sends
 * its certificate (issued by a P-256 CA made here); the ceiling adds two
 * AUTH signatures, two AUTH verifications and two certificate checks.
 *
 * Usage: bench_ike [tunnels [psk|p256|rsa2048]]   (default 1000 psk)
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "certgen.h"
#include "crypto.h"
#include "ike_proto.h"
#include "ikev2.h"

/* certificates: the CA, and one key and certificate per end */
static EVP_PKEY *ca_key, *key_a, *key_b;
static X509 *ca, *cert_a, *cert_b;

struct dgram {
	struct ike_addr src, dst;
	uint8_t *buf;
	size_t len;
};

static struct dgram *q;
static size_t qhead, qtail, qcap;
static struct ike_engine *ea, *eb;
static struct ike_addr addr_b;
static unsigned installed;

static int on_send(void *ctx, const struct ike_addr *src, const struct ike_addr *dst,
		   const uint8_t *buf, size_t len)
{
	struct dgram *d;

	if (qtail == qcap) {
		qcap = qcap ? qcap * 2 : 1024;
		q = realloc(q, qcap * sizeof(*q));
	}
	d = &q[qtail++];
	d->src = *src;
	d->dst = *dst;
	d->buf = malloc(len);
	memcpy(d->buf, buf, len);
	d->len = len;
	return 0;
}

static int on_install(void *ctx, const char *t, const struct ike_child_sa *c)
{
	installed++;
	return 0;
}

static void on_delete(void *ctx, const char *t, const struct ike_child_sa *c)
{
}

static uint64_t on_now(void *ctx)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static double secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run(void)
{
	while (qhead < qtail) {
		struct dgram d = q[qhead++];
		bool to_b = memcmp(d.dst.addr, addr_b.addr, 4) == 0;

		ike_input(to_b ? eb : ea, &d.src, &d.dst, d.buf, d.len);
		free(d.buf);
	}
	qhead = qtail = 0;
}

static void conf(struct ike_peer_conf *c, const char *name, const struct ike_addr *l,
		 const struct ike_addr *r)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->local = *l;
	c->remote = *r;
	c->n_ike = 1;
	c->ike[0] = (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16},
					   .encr_bits = {256},
					   .n_encr = 1,
					   .prf = {IKE_PRF_HMAC_SHA2_256},
					   .n_prf = 1,
					   .dh = {IKE_DH_CURVE25519},
					   .n_dh = 1};
	c->child =
	    (struct ike_prop_conf){.encr = {IKE_ENCR_AES_GCM_16}, .encr_bits = {256}, .n_encr = 1};
	c->child_proto = IKE_PROTO_ESP;
	memcpy(c->psk, "bench-pre-shared-key", 20);
	c->psk_len = 20;
}

/* Sign with key and its certificate, identified by its DN; take any peer the CA vouches for. */
static void conf_cert(struct ike_peer_conf *c, EVP_PKEY *key, X509 *cert, const char *dn)
{
	c->cert.key = key;
	c->cert.chain = sk_X509_new_null();
	sk_X509_push(c->cert.chain, cert);
	c->cert.trust = cg_store(ca);
	c->cert.send_certreq = true;
	c->cert.any_remote_id = true;
	c->local_id.type = IKE_ID_DER_ASN1_DN;
	c->local_id.len = cg_dn_der(dn, c->local_id.data, sizeof(c->local_id.data));
}

/* The engine holds its own references: ours go. */
static void conf_cert_drop(struct ike_peer_conf *c)
{
	sk_X509_free(c->cert.chain);
	X509_STORE_free(c->cert.trust);
}

/* One AUTH signature and one verification, as one end does them, in us. */
static double sig_cost(EVP_PKEY *key, unsigned k)
{
	uint8_t msg[600] = {0}, sig[512];
	double t0 = secs();

	for (unsigned i = 0; i < k; i++) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		size_t len = sizeof(sig);

		EVP_DigestSignInit_ex(ctx, NULL, "SHA256", NULL, NULL, key, NULL);
		EVP_DigestSign(ctx, sig, &len, msg, sizeof(msg));
		EVP_MD_CTX_reset(ctx);
		EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, key, NULL);
		EVP_DigestVerify(ctx, sig, len, msg, sizeof(msg));
		EVP_MD_CTX_free(ctx);
	}
	return (secs() - t0) * 1e6 / k;
}

/* A certificate checked against the CA (chain of one), in us. */
static double chain_cost(X509 *cert, unsigned k)
{
	X509_STORE *s = cg_store(ca);
	double t0 = secs();

	for (unsigned i = 0; i < k; i++) {
		X509_STORE_CTX *ctx = X509_STORE_CTX_new();

		X509_STORE_CTX_init(ctx, s, cert, NULL);
		X509_verify_cert(ctx);
		X509_STORE_CTX_free(ctx);
	}
	X509_STORE_free(s);
	return (secs() - t0) * 1e6 / k;
}

static void addr_n(struct ike_addr *a, unsigned n)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->addr[0] = 198;
	a->addr[1] = 18;
	a->addr[2] = (uint8_t)(n >> 8);
	a->addr[3] = (uint8_t)n;
	a->port = 500;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
	const char *auth = argc > 2 ? argv[2] : "psk";
	bool certs = strcmp(auth, "psk") != 0;
	struct ike_env env = {.send = on_send,
			      .child_install = on_install,
			      .child_delete = on_delete,
			      .now_ms = on_now};
	struct ike_opts o;
	struct ike_peer_conf c;
	struct mallinfo2 m0, m1;
	double t0, t1, dh_us;
	char name[32];

	if (n == 0 || n > 60000)
		return 2;
	if (certs) {
		ca_key = cg_key("p256");
		key_a = cg_key(auth);
		key_b = cg_key(auth);
		if (ca_key == NULL || key_a == NULL || key_b == NULL)
			return 2;
		ca = cg_cert(ca_key, "O=Bench,CN=Bench CA", NULL, ca_key, NULL, true, -1, 30);
		cert_a = cg_cert(key_a, "O=Bench,CN=a", ca, ca_key, NULL, false, -1, 30);
		cert_b = cg_cert(key_b, "O=Bench,CN=b", ca, ca_key, NULL, false, -1, 30);
	}
	ike_opts_default(&o);
	o.half_open_cookie = 1000000;
	o.half_open_per_peer = 1000000;
	addr_b = (struct ike_addr){.family = AF_INET, .addr = {192, 0, 2, 2}, .port = 500};
	if (ike_engine_new(&env, &o, &ea) < 0 || ike_engine_new(&env, &o, &eb) < 0)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		struct ike_addr a;

		addr_n(&a, i + 1);
		snprintf(name, sizeof(name), "t%u", i);
		conf(&c, name, &a, &addr_b);
		if (certs)
			conf_cert(&c, key_a, cert_a, "O=Bench,CN=a");
		ike_conf_set(ea, &c);
		if (certs)
			conf_cert_drop(&c);
		conf(&c, name, &addr_b, &a);
		if (certs)
			conf_cert(&c, key_b, cert_b, "O=Bench,CN=b");
		ike_conf_set(eb, &c);
		if (certs)
			conf_cert_drop(&c);
	}
	m0 = mallinfo2();
	t0 = secs();
	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "t%u", i);
		ike_initiate(ea, name);
		run();
	}
	t1 = secs();
	m1 = mallinfo2();
	if (installed != 2 * n || ike_engine_stats(ea)->ike_established != n) {
		fprintf(stderr, "only %u of %u CHILD_SAs installed\n", installed / 2, n);
		return 1;
	}
	printf("ikesh vs ikesh in one process, %s: %u IKE SAs + CHILD_SAs in %.3f s = %.0f per "
	       "second (both ends on one core)\n",
	       certs ? auth : "PSK", n, t1 - t0, n / (t1 - t0));
	printf("heap per established tunnel, both ends: %.0f bytes\n",
	       (double)(m1.uordblks - m0.uordblks) / n);

	/* the crypto ceiling: what two X25519 key pairs and derivations cost */
	{
		uint8_t pub[32], sec[32];
		size_t publen;
		unsigned k = 2000;
		struct dh_key *x, *y;

		t0 = secs();
		for (unsigned i = 0; i < k; i++) {
			dh_keygen(IKE_DH_CURVE25519, &x);
			dh_keygen(IKE_DH_CURVE25519, &y);
			dh_public_encode(y, pub, sizeof(pub), &publen);
			dh_shared_derive(x, pub, publen, sec, sizeof(sec));
			dh_public_encode(x, pub, sizeof(pub), &publen);
			dh_shared_derive(y, pub, publen, sec, sizeof(sec));
			dh_key_free(x);
			dh_key_free(y);
		}
		t1 = secs();
		dh_us = (t1 - t0) * 1e6 / k;
		printf(
		    "crypto ceiling (x25519, both ends): %.1f us per handshake = %.0f per second\n",
		    dh_us, 1e6 / dh_us);
		if (certs) {
			double us = dh_us + 2 * sig_cost(key_a, 200) + 2 * chain_cost(cert_a, 200);

			printf(
			    "crypto ceiling (x25519 and %s certificates, both ends): %.1f us per "
			    "handshake = %.0f per second\n",
			    auth, us, 1e6 / us);
		}
	}
	ike_engine_free(ea);
	ike_engine_free(eb);
	free(q);
	X509_free(ca);
	X509_free(cert_a);
	X509_free(cert_b);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(key_a);
	EVP_PKEY_free(key_b);
	return 0;
}
