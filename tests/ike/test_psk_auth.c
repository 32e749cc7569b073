/* SPDX-License-Identifier: ISC */
/*
 * Known answer for the engine's PSK AUTH computation (RFC 7296 §2.15):
 * which message, which nonce, which SK_p and which ID octets each side
 * signs. The expected values come from tests/ike/psk_auth_vector.py, an
 * independent computation with Python's hmac and hashlib; the inputs here
 * are the same fixed byte strings.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "../crypto/hex.h"
#include "ike_sa.h"

static const char PSK[] = "a-long-and-secret-pre-shared-key";
static const char AUTH_I[] = "7a38a16e073a0768113e0a8d96b89d50e5def6284534d05c1cd915b97ab17a1d";
static const char AUTH_R[] = "fe8d9b2dc87105852fea50c8df21ea90d96a6a8f47540fff14faf2f9e30739a8";

static uint8_t init_req[80], init_resp[72];
static struct ike_tunnel tun;
static struct ike_sa sa;

static void fill(void)
{
	memset(&tun, 0, sizeof(tun));
	memset(&sa, 0, sizeof(sa));
	for (size_t i = 0; i < sizeof(init_req); i++)
		init_req[i] = (uint8_t)(0x40 + i);
	for (size_t i = 0; i < sizeof(init_resp); i++)
		init_resp[i] = (uint8_t)(0x90 + i);
	memcpy(tun.conf.psk, PSK, sizeof(PSK) - 1);
	tun.conf.psk_len = sizeof(PSK) - 1;
	sa.tun = &tun;
	sa.ike.prf = xform_lookup(XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	sa.init_req = init_req;
	sa.init_req_len = sizeof(init_req);
	sa.init_resp = init_resp;
	sa.init_resp_len = sizeof(init_resp);
	memset(sa.ni, 0xa5, 32);
	sa.ni_len = 32;
	memset(sa.nr, 0x5a, 32);
	sa.nr_len = 32;
	for (int i = 0; i < 32; i++) {
		sa.keys.sk_pi[i] = (uint8_t)(1 + i);
		sa.keys.sk_pr[i] = (uint8_t)(101 + i);
	}
	sa.keys.prf_len = 32;
	sa.local.family = AF_INET;
	memcpy(sa.local.addr, (uint8_t[]){192, 0, 2, 1}, 4);
}

/* Our ID payload as the engine builds it, parsed back: the octets AUTH covers. */
static void id_payload(struct ike_id *out, uint8_t *wire, size_t cap)
{
	uint8_t idbuf[IKE_MAX_ID + 16];
	struct ike_writer w;
	struct ike_pld p;
	struct ike_id id;

	ike_id_local(&sa, &id, idbuf);
	ike_writer_init(&w, wire, cap);
	assert_int_equal(ike_build_id(&w, IKE_PLD_IDI, &id), 0);
	p = (struct ike_pld){.type = IKE_PLD_IDI, .body = wire + 4, .len = w.len - 4};
	assert_int_equal(ike_parse_id(&p, out), 0);
}

static void test_initiator_auth(void **state)
{
	uint8_t want[32], got[32], wire[64];
	struct ike_id id;

	fill();
	sa.initiator = true;
	id_payload(&id, wire, sizeof(wire));
	assert_int_equal(id.restlen, 8);
	assert_int_equal(ike_auth_psk(&sa, true, id.rest, id.restlen, got), 0);
	hex_decode(AUTH_I, want, sizeof(want));
	assert_memory_equal(got, want, 32);
	/* a different key gives a different value */
	tun.conf.psk[0] ^= 1;
	assert_int_equal(ike_auth_psk(&sa, true, id.rest, id.restlen, got), 0);
	assert_memory_not_equal(got, want, 32);
}

static void test_responder_auth(void **state)
{
	static const char fqdn[] = "gw.example.net";
	uint8_t want[32], got[32], wire[64];
	struct ike_id id;

	fill();
	tun.conf.local_id.type = IKE_ID_FQDN;
	memcpy(tun.conf.local_id.data, fqdn, sizeof(fqdn) - 1);
	tun.conf.local_id.len = sizeof(fqdn) - 1;
	id_payload(&id, wire, sizeof(wire));
	assert_int_equal(ike_auth_psk(&sa, false, id.rest, id.restlen, got), 0);
	hex_decode(AUTH_R, want, sizeof(want));
	assert_memory_equal(got, want, 32);
	/* the responder signs its own message and the initiator's nonce, not the others */
	sa.ni[0] ^= 1;
	assert_int_equal(ike_auth_psk(&sa, false, id.rest, id.restlen, got), 0);
	assert_memory_not_equal(got, want, 32);
	sa.ni[0] ^= 1;
	sa.nr[0] ^= 1;
	init_req[0] ^= 1;
	assert_int_equal(ike_auth_psk(&sa, false, id.rest, id.restlen, got), 0);
	assert_memory_equal(got, want, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_initiator_auth),
	    cmocka_unit_test(test_responder_auth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
