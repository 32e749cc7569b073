/* SPDX-License-Identifier: ISC */
/*
 * Certificate authentication in the exchanges (RFC 7296 §1.2, §2.15,
 * §3.6-3.8; RFC 7427): SIGNATURE_HASH_ALGORITHMS and CERTREQ in
 * IKE_SA_INIT, CERT, CERTREQ and signature AUTH payloads in IKE_AUTH, and
 * the check of the peer's chain, identity and signature.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_sa.h"

/* Does this tunnel sign, or want the peer's signature? */
static bool ike_tun_certs(const struct ike_sa *sa)
{
	return sa->tun && (sa->tun->conf.cert.key || sa->tun->conf.cert.trust);
}

static int ike_certreq_add(struct ike_writer *w, const struct ike_sa *sa)
{
	const struct ike_cert_conf *c = &sa->tun->conf.cert;
	uint8_t hashes[IKE_CERTREQ_MAX][20];
	size_t n;

	if (c->trust == NULL || !c->send_certreq)
		return 0;
	n = ike_cert_anchor_hashes(c->trust, hashes, IKE_CERTREQ_MAX);
	if (n == 0)
		return 0; /* a store of CRLs alone names no CA */
	/* §3.7: the hashes concatenated, one payload per encoding */
	return ike_build_cert(w, IKE_PLD_CERTREQ,
			      &(struct ike_cert){IKE_CERT_ENC_X509_SIG, hashes[0], 20 * n});
}

int ike_sig_init_add(struct ike_writer *w, const struct ike_sa *sa, bool response)
{
	uint8_t ids[8];
	size_t n = 0;

	if (!ike_tun_certs(sa))
		return 0;
	/* RFC 7427 §4: the hashes we take in signatures, in IKE_SA_INIT */
	for (uint8_t h = IKE_HASH_SHA256; h <= IKE_HASH_IDENTITY; h++) {
		if (IKE_HASHES_OURS & 1u << h) {
			ids[n++] = 0;
			ids[n++] = h;
		}
	}
	ike_add_notify(w, IKE_N_SIGNATURE_HASH_ALGORITHMS, ids, n);
	/* the responder asks for certificates here, the initiator in IKE_AUTH (§1.2) */
	return response ? ike_certreq_add(w, sa) : w->err;
}

/* A CERTREQ for X.509 certificates anywhere in m. */
static bool ike_msg_has_certreq(const struct ike_msg *m)
{
	for (size_t i = 0; i < m->npld; i++) {
		struct ike_cert cr;

		if (m->pld[i].type == IKE_PLD_CERTREQ && ike_parse_cert(&m->pld[i], &cr) == 0 &&
		    cr.encoding == IKE_CERT_ENC_X509_SIG)
			return true;
	}
	return false;
}

void ike_sig_init_note(struct ike_sa *sa, const struct ike_msg *m)
{
	struct ike_notify n;

	sa->peer_hashes = 0;
	if (ike_msg_has_notify(m, IKE_N_SIGNATURE_HASH_ALGORITHMS, &n)) {
		for (size_t i = 0; i + 1 < n.len; i += 2) {
			unsigned h = (unsigned)n.data[i] << 8 | n.data[i + 1];

			if (h < 32)
				sa->peer_hashes |= 1u << h;
		}
		/* an empty or unknown list still says RFC 7427; keep the classic methods out */
		sa->peer_hashes |= 1u << 31;
	}
	sa->peer_certreq = ike_msg_has_certreq(m);
}

void ike_certreq_note(struct ike_sa *sa, const struct ike_msg *m)
{
	if (ike_msg_has_certreq(m))
		sa->peer_certreq = true;
}

/* §2.15: message | nonce | prf(SK_p, RestOfIDPayload); *out is malloc'ed. */
static int ike_signed_octets(const struct ike_sa *sa, bool initiator_side, const uint8_t *id_rest,
			     size_t id_restlen, uint8_t **out, size_t *outlen)
{
	const uint8_t *msg = initiator_side ? sa->init_req : sa->init_resp;
	size_t msglen = initiator_side ? sa->init_req_len : sa->init_resp_len;
	const uint8_t *nonce = initiator_side ? sa->nr : sa->ni;
	size_t noncelen = initiator_side ? sa->nr_len : sa->ni_len;
	const uint8_t *skp = initiator_side ? sa->keys.sk_pi : sa->keys.sk_pr;
	struct cbuf id = {id_rest, id_restlen};
	size_t prflen = sa->ike.prf->outlen;
	uint8_t *buf;
	int ret;

	if (msg == NULL)
		return -EINVAL;
	buf = malloc(msglen + noncelen + prflen);
	if (buf == NULL)
		return -ENOMEM;
	memcpy(buf, msg, msglen);
	memcpy(buf + msglen, nonce, noncelen);
	ret = prf_compute(sa->ike.prf, skp, sa->keys.prf_len, &id, 1, buf + msglen + noncelen);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*out = buf;
	*outlen = msglen + noncelen + prflen;
	return 0;
}

int ike_cert_payloads_add(struct ike_writer *w, const struct ike_sa *sa)
{
	const struct ike_cert_conf *c = &sa->tun->conf.cert;
	int n;

	if (c->key == NULL || c->send_cert == IKE_SEND_CERT_NEVER ||
	    (c->send_cert == IKE_SEND_CERT_ON_REQUEST && !sa->peer_certreq))
		return 0;
	n = sk_X509_num(c->chain);
	for (int i = 0; i < n && i < IKE_CERT_CHAIN_MAX; i++) {
		uint8_t *der = NULL;
		int len = i2d_X509(sk_X509_value(c->chain, i), &der);

		if (len <= 0)
			return -ENOMEM;
		ike_build_cert(w, IKE_PLD_CERT,
			       &(struct ike_cert){IKE_CERT_ENC_X509_SIG, der, (size_t)len});
		OPENSSL_free(der);
	}
	return w->err;
}

int ike_certreq_auth_add(struct ike_writer *w, const struct ike_sa *sa)
{
	return ike_certreq_add(w, sa);
}

int ike_auth_sig_add(struct ike_writer *w, const struct ike_sa *sa, const uint8_t *id_rest,
		     size_t id_restlen)
{
	const struct ike_cert_conf *c = &sa->tun->conf.cert;
	uint8_t *octets = NULL, *sig = NULL;
	size_t octlen, siglen;
	struct ike_sig_how how;
	char d[64];
	int ret;

	ret = ike_sig_choose(c->key, sa->peer_hashes, c->rsa_pss, &how);
	if (ret < 0) {
		ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
			"cannot sign with our %s key: the peer announced no hash it "
			"accepts for it (RFC 7427)",
			ike_sig_key_name(ike_sig_key_type(c->key)));
		return ret;
	}
	ret = ike_signed_octets(sa, sa->initiator, id_rest, id_restlen, &octets, &octlen);
	if (ret < 0)
		goto done;
	sig = malloc(IKE_SIG_MAX + 256);
	if (sig == NULL) {
		ret = -ENOMEM;
		goto done;
	}
	ret = ike_sig_sign(c->key, &how, octets, octlen, sig, IKE_SIG_MAX + 256, &siglen);
	if (ret < 0) {
		ike_fmt(sa->tun->last_error, sizeof(sa->tun->last_error),
			"signing our AUTH payload failed (%s key)",
			ike_sig_key_name(ike_sig_key_type(c->key)));
		goto done;
	}
	ike_sig_describe(&how, d, sizeof(d));
	ike_log(sa->eng, IKE_LOG_DEBUG, "tunnel %s: AUTH signed with %s, %zu bytes",
		sa->tun->conf.name, d, siglen);
	ret = ike_build_auth(w, &(struct ike_auth){how.method, sig, siglen});
done:
	free(octets);
	free(sig);
	return ret;
}

static bool ike_auth_is_sig(uint8_t method)
{
	return method == IKE_AUTH_RSA_SIG || method == IKE_AUTH_ECDSA_256 ||
	       method == IKE_AUTH_ECDSA_384 || method == IKE_AUTH_ECDSA_521 ||
	       method == IKE_AUTH_DIGITAL_SIGNATURE;
}

/* The peer's CERT payloads of X.509 certificates, in order. */
static int ike_peer_certs(const struct ike_msg *m, struct ike_cert_peer *pc, char *why, size_t len)
{
	memset(pc, 0, sizeof(*pc));
	for (size_t i = 0; i < m->npld; i++) {
		struct ike_cert c;

		if (m->pld[i].type != IKE_PLD_CERT)
			continue;
		if (ike_parse_cert(&m->pld[i], &c) < 0) {
			snprintf(why, len, "peer sent a malformed CERT payload");
			return -EBADMSG;
		}
		if (c.encoding != IKE_CERT_ENC_X509_SIG)
			continue; /* other encodings we do not read */
		if (pc->n == IKE_CERT_PEER_MAX) {
			snprintf(why, len, "peer sent more than %d certificates",
				 IKE_CERT_PEER_MAX);
			return -E2BIG;
		}
		if (c.len > IKE_CERT_DER_MAX) {
			snprintf(why, len,
				 "peer sent a certificate of %zu bytes (at most %d taken)", c.len,
				 IKE_CERT_DER_MAX);
			return -E2BIG;
		}
		pc->der[pc->n] = c.data;
		pc->len[pc->n] = c.len;
		pc->n++;
	}
	return 0;
}

int ike_auth_sig_verify(struct ike_sa *sa, const struct ike_msg *m, const struct ike_id *peer,
			const struct ike_auth *auth, const char *peer_str, char *why, size_t whylen)
{
	struct ike_tunnel *t = sa->tun;
	const struct ike_cert_conf *c = &t->conf.cert;
	struct ike_cert_peer pc;
	struct ike_sig_how how;
	uint8_t *octets = NULL;
	char subj[IKE_REASON_LEN / 2], d[64];
	size_t octlen;
	X509 *leaf = NULL;
	EVP_PKEY *pub;
	int ret;

	if (!ike_auth_is_sig(auth->method)) {
		if (auth->method == IKE_AUTH_SHARED_KEY_MIC)
			snprintf(why, whylen,
				 "peer authenticated with a pre-shared key; tunnel %s requires a "
				 "certificate",
				 t->conf.name);
		else
			snprintf(why, whylen,
				 "peer used AUTH method %u; tunnel %s requires a certificate",
				 auth->method, t->conf.name);
		return -EACCES;
	}
	ret = ike_peer_certs(m, &pc, why, whylen);
	if (ret < 0)
		return ret;
	if (pc.n == 0) {
		snprintf(why, whylen, "no certificate for trustpoint %s: the peer sent none%s",
			 c->trust_name[0] ? c->trust_name : "(unnamed)",
			 c->send_certreq ? "" : " (no CERTREQ is sent)");
		return -ENOENT;
	}
	ret = ike_cert_verify_chain(c->trust, c->trust_name, &pc, &leaf, why, whylen);
	if (ret < 0)
		return ret;
	ike_cert_subject_str(leaf, subj, sizeof(subj));
	ike_log(sa->eng, IKE_LOG_DEBUG, "tunnel %s: peer certificate %s verified (%zu in chain)",
		t->conf.name, subj, pc.n);
	if (!ike_cert_id_matches(leaf, peer->type, peer->data, peer->len)) {
		snprintf(why, whylen, "peer identity %s does not match the certificate (%s)",
			 peer_str, subj);
		ret = -EACCES;
		goto done;
	}
	ret = ike_signed_octets(sa, !sa->initiator, peer->rest, peer->restlen, &octets, &octlen);
	if (ret < 0) {
		snprintf(why, whylen, "cannot check the peer's AUTH payload");
		goto done;
	}
	pub = X509_get0_pubkey(leaf);
	/* a verification costs the modulus cubed: keys past what we sign with are refused */
	if (pub == NULL || EVP_PKEY_get_bits(pub) > IKE_SIG_MAX_BITS) {
		snprintf(why, whylen, "peer certificate has a %d-bit key, more than %d taken",
			 pub ? EVP_PKEY_get_bits(pub) : 0, IKE_SIG_MAX_BITS);
		ret = -EACCES;
		goto done;
	}
	ret = ike_sig_verify(pub, auth->method, auth->data, auth->len, octets, octlen, &how);
	ike_sig_describe(&how, d, sizeof(d));
	if (ret == -ENOTSUP)
		snprintf(why, whylen, "peer signed with %s, not usable with its %s key", d,
			 ike_sig_key_name(ike_sig_key_type(pub)));
	else if (ret == -EBADMSG)
		snprintf(why, whylen, "peer sent a malformed signature AUTH payload (%s)", d);
	else if (ret < 0)
		snprintf(why, whylen,
			 "peer %s: signature (%s) does not verify with its certificate", peer_str,
			 d);
	else {
		ike_log(sa->eng, IKE_LOG_DEBUG, "tunnel %s: peer's AUTH %s verified", t->conf.name,
			d);
		sa->peer_sigkey = (uint8_t)ike_sig_key_type(pub);
	}
done:
	free(octets);
	X509_free(leaf);
	return ret < 0 ? ret : 0;
}

static const char *auth_method_name(enum ike_sigkey k)
{
	switch (k) {
	case IKE_SIGKEY_NONE:
		return "PSK";
	case IKE_SIGKEY_RSA:
		return "RSA";
	case IKE_SIGKEY_ED25519:
		return "EdDSA";
	default:
		return "ECDSA";
	}
}

void ike_auth_methods(const struct ike_sa *sa, char *sign, char *verify, size_t len)
{
	const EVP_PKEY *key = sa->tun ? sa->tun->conf.cert.key : NULL;

	snprintf(sign, len, "%s", auth_method_name(key ? ike_sig_key_type(key) : IKE_SIGKEY_NONE));
	snprintf(verify, len, "%s", auth_method_name((enum ike_sigkey)sa->peer_sigkey));
}
