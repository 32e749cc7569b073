/* SPDX-License-Identifier: ISC */
/*
 * Proposal selection (RFC 7296 §2.7, §3.3) and traffic selector narrowing
 * (§2.9), unit by unit: what is chosen, what is refused, and how selectors
 * are described to operators.
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

#include "fakenet.h"
#include "ike_sa.h"

static struct ike_sa_pld offer;

static void xf(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	p->xf[p->ntransforms++] = (struct ike_transform){type, id, keylen, false};
}

static struct ike_proposal *prop(uint8_t num, uint8_t proto)
{
	struct ike_proposal *p = &offer.prop[offer.nproposals++];

	memset(p, 0, sizeof(*p));
	p->num = num;
	p->protocol = proto;
	if (proto != IKE_PROTO_IKE) {
		p->spi_size = 4;
		memcpy(p->spi, "\x01\x02\x03\x04", 4);
	}
	return p;
}

static void test_ike_select_order(void **state)
{
	struct ike_prop_conf mine = {.encr = {IKE_ENCR_AES_CBC, IKE_ENCR_AES_CBC},
				     .encr_bits = {128, 256},
				     .n_encr = 2,
				     .integ = {IKE_AUTH_HMAC_SHA2_256_128},
				     .n_integ = 1,
				     .prf = {IKE_PRF_HMAC_SHA2_256},
				     .n_prf = 1,
				     .dh = {IKE_DH_ECP256, IKE_DH_MODP2048},
				     .n_dh = 2};
	struct ike_selected sel;
	struct ike_proposal *p;

	memset(&offer, 0, sizeof(offer));
	/* proposal 1 has nothing we take; proposal 2 has, in the peer's order */
	p = prop(1, IKE_PROTO_IKE);
	xf(p, XFORM_ENCR, IKE_ENCR_3DES, 0);
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	xf(p, XFORM_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0);
	xf(p, XFORM_DH, IKE_DH_ECP256, 0);
	p = prop(2, IKE_PROTO_IKE);
	xf(p, XFORM_ENCR, IKE_ENCR_AES_CBC, 192); /* we do not have 192 */
	xf(p, XFORM_ENCR, IKE_ENCR_AES_CBC, 256);
	xf(p, XFORM_ENCR, IKE_ENCR_AES_CBC, 128);
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_512, 0);
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	xf(p, XFORM_INTEG, IKE_AUTH_HMAC_SHA2_256_128, 0);
	xf(p, XFORM_DH, IKE_DH_MODP2048, 0);
	xf(p, XFORM_DH, IKE_DH_ECP256, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &sel), 0);
	assert_int_equal(sel.num, 2);
	assert_int_equal(sel.encr->keybits, 256);
	assert_int_equal(sel.prf->id, IKE_PRF_HMAC_SHA2_256);
	assert_int_equal(sel.dh->id, IKE_DH_MODP2048);
	/* the KE payload's group is preferred when acceptable */
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, IKE_DH_ECP256, &sel), 0);
	assert_int_equal(sel.dh->id, IKE_DH_ECP256);
	/* ESP proposals are not IKE proposals */
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), -ENOENT);
}

static void test_ike_select_refusals(void **state)
{
	struct ike_prop_conf mine = {.encr = {IKE_ENCR_AES_GCM_16, IKE_ENCR_NULL},
				     .encr_bits = {256, 0},
				     .n_encr = 2,
				     .prf = {IKE_PRF_HMAC_SHA2_256},
				     .n_prf = 1,
				     .dh = {IKE_DH_CURVE25519},
				     .n_dh = 1};
	struct ike_selected sel;
	struct ike_proposal *p;

	/* AEAD with an integrity algorithm other than NONE */
	memset(&offer, 0, sizeof(offer));
	p = prop(1, IKE_PROTO_IKE);
	xf(p, XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256);
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	xf(p, XFORM_INTEG, IKE_AUTH_HMAC_SHA1_96, 0);
	xf(p, XFORM_DH, IKE_DH_CURVE25519, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &sel), -ENOENT);
	/* ENCR_NULL never protects an IKE SA, configured or not */
	memset(&offer, 0, sizeof(offer));
	p = prop(1, IKE_PROTO_IKE);
	xf(p, XFORM_ENCR, IKE_ENCR_NULL, 0);
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	xf(p, XFORM_DH, IKE_DH_CURVE25519, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &sel), -ENOENT);
	/* a missing transform type (no DH) */
	memset(&offer, 0, sizeof(offer));
	p = prop(1, IKE_PROTO_IKE);
	xf(p, XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256);
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &sel), -ENOENT);
	/* an unknown attribute disqualifies that transform only */
	memset(&offer, 0, sizeof(offer));
	p = prop(1, IKE_PROTO_IKE);
	xf(p, XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256);
	p->xf[0].unknown_attr = true;
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	xf(p, XFORM_DH, IKE_DH_CURVE25519, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &sel), -ENOENT);
	/* an IKE rekey proposal with an all-zero SPI */
	memset(&offer, 0, sizeof(offer));
	p = prop(1, IKE_PROTO_IKE);
	p->spi_size = 8;
	xf(p, XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256);
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	xf(p, XFORM_DH, IKE_DH_CURVE25519, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &sel), -ENOENT);
	p->spi[7] = 1;
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &sel), 0);
	/* ESN in an IKE proposal */
	memset(&offer, 0, sizeof(offer));
	p = prop(1, IKE_PROTO_IKE);
	xf(p, XFORM_ENCR, IKE_ENCR_AES_GCM_16, 256);
	xf(p, XFORM_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	xf(p, XFORM_DH, IKE_DH_CURVE25519, 0);
	xf(p, XFORM_ESN, 0, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &sel), -ENOENT);
}

static void test_esp_select(void **state)
{
	struct ike_prop_conf mine = {.encr = {IKE_ENCR_AES_CBC},
				     .encr_bits = {128},
				     .n_encr = 1,
				     .integ = {IKE_AUTH_HMAC_SHA1_96},
				     .n_integ = 1};
	struct ike_prop_conf pfs = mine;
	struct ike_selected sel;
	struct ike_proposal *p;

	pfs.dh[0] = IKE_DH_MODP2048;
	pfs.n_dh = 1;
	memset(&offer, 0, sizeof(offer));
	p = prop(1, IKE_PROTO_ESP);
	xf(p, XFORM_ENCR, IKE_ENCR_AES_CBC, 128);
	xf(p, XFORM_INTEG, IKE_AUTH_HMAC_SHA1_96, 0);
	xf(p, XFORM_ESN, 1, 0);
	xf(p, XFORM_ESN, 0, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), 0);
	assert_false(sel.esn); /* no ESN preferred */
	assert_null(sel.dh);
	assert_memory_equal(sel.spi, "\x01\x02\x03\x04", 4);
	p->ntransforms = 3; /* ESN only */
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), 0);
	assert_true(sel.esn);
	/* PFS configured, no group offered: refused */
	assert_int_equal(ike_prop_select(&offer, &pfs, 1, IKE_PROTO_ESP, 0, &sel), -ENOENT);
	/* a group offered, no PFS configured: refused unless NONE is offered too */
	xf(p, XFORM_DH, IKE_DH_MODP2048, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), -ENOENT);
	assert_int_equal(ike_prop_select(&offer, &pfs, 1, IKE_PROTO_ESP, 0, &sel), 0);
	assert_int_equal(sel.dh->id, IKE_DH_MODP2048);
	xf(p, XFORM_DH, 0, 0);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), 0);
	assert_null(sel.dh);
	/* in IKE_AUTH the groups are dropped before selection */
	p->ntransforms--;
	ike_prop_strip_dh(&offer);
	assert_int_equal(p->ntransforms, 3);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), 0);
	/* a 4-byte SPI is required */
	p->spi_size = 8;
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), -ENOENT);
	/* and not a reserved one (0-255) */
	p->spi_size = 4;
	memcpy(p->spi, "\x00\x00\x00\xff", 4);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), -ENOENT);
	memcpy(p->spi, "\x00\x00\x01\x00", 4);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_ESP, 0, &sel), 0);
}

static void test_prop_roundtrip(void **state)
{
	struct ike_prop_conf mine = {.encr = {IKE_ENCR_AES_GCM_16},
				     .encr_bits = {128},
				     .n_encr = 1,
				     .prf = {IKE_PRF_HMAC_SHA2_384},
				     .n_prf = 1,
				     .dh = {IKE_DH_ECP384, IKE_DH_CURVE25519},
				     .n_dh = 2};
	struct ike_selected sel, again;
	char buf[128];

	/* what we build, we select; the answer built from a selection selects the same */
	assert_int_equal(
	    ike_prop_build(&mine, 1, IKE_PROTO_IKE, NULL, 0, true, IKE_DH_CURVE25519, &offer), 0);
	assert_int_equal(offer.prop[0].xf[2].id, IKE_DH_CURVE25519); /* KE group first */
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, IKE_DH_CURVE25519, &sel),
			 0);
	ike_prop_from_selected(&sel, &offer);
	assert_int_equal(offer.nproposals, 1);
	assert_int_equal(ike_prop_select(&offer, &mine, 1, IKE_PROTO_IKE, 0, &again), 0);
	assert_ptr_equal(sel.encr, again.encr);
	assert_ptr_equal(sel.dh, again.dh);
	ike_prop_describe(&mine, 1, true, buf, sizeof(buf));
	assert_string_equal(buf, "aes128gcm16/prfsha384/ecp384,x25519");
}

static void range(struct ike_ts_range *r, const char *net, uint8_t plen)
{
	struct ike_subnet s = {0};
	struct ike_addr a;

	fn_addr(&a, net, 0);
	s.family = a.family;
	memcpy(s.addr, a.addr, 16);
	s.prefixlen = plen;
	ike_subnet_range(&s, r);
}

static void test_ts_narrow(void **state)
{
	struct ike_ts_range allowed[2], offered[2], out[4];
	struct ike_ts_pld w;
	char buf[128];

	range(&allowed[0], "10.2.0.0", 24);
	range(&allowed[1], "10.3.0.0", 16);
	/* 10.0.0.0/8 narrows to both allowed ranges */
	range(&offered[0], "10.0.0.0", 8);
	ike_ts_to_wire(offered, 1, &w);
	assert_int_equal(ike_ts_narrow(&w, allowed, 2, out, 4), 2);
	ike_ts_range_describe(out, 2, buf, sizeof(buf));
	assert_string_equal(buf, "10.2.0.0/24, 10.3.0.0/16");
	assert_false(ike_ts_within(&w, allowed, 2));
	/* a /25 inside is kept as is and lies within */
	range(&offered[0], "10.2.0.128", 25);
	ike_ts_to_wire(offered, 1, &w);
	assert_int_equal(ike_ts_narrow(&w, allowed, 2, out, 4), 1);
	ike_ts_range_describe(out, 1, buf, sizeof(buf));
	assert_string_equal(buf, "10.2.0.128/25");
	assert_true(ike_ts_within(&w, allowed, 2));
	/* disjoint, other family: nothing */
	range(&offered[0], "192.168.0.0", 16);
	range(&offered[1], "2001:db8::", 32);
	ike_ts_to_wire(offered, 2, &w);
	assert_int_equal(ike_ts_narrow(&w, allowed, 2, out, 4), 0);
	/* protocol and ports intersect too; a non-prefix range is shown as one */
	range(&offered[0], "10.2.0.0", 24);
	offered[0].proto = 6;
	offered[0].port_start = 1000;
	offered[0].port_end = 2000;
	memcpy(offered[0].end, "\x0a\x02\x00\x07", 4);
	offered[0].start[3] = 1;
	ike_ts_to_wire(offered, 1, &w);
	assert_int_equal(ike_ts_narrow(&w, allowed, 2, out, 4), 1);
	assert_int_equal(out[0].proto, 6);
	assert_int_equal(out[0].port_start, 1000);
	ike_ts_range_describe(out, 1, buf, sizeof(buf));
	assert_string_equal(buf, "10.2.0.1-10.2.0.7 proto 6 port 1000-2000");
	/* an empty TS payload is within nothing */
	w.n = 0;
	assert_false(ike_ts_within(&w, allowed, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ike_select_order), cmocka_unit_test(test_ike_select_refusals),
	    cmocka_unit_test(test_esp_select),	     cmocka_unit_test(test_prop_roundtrip),
	    cmocka_unit_test(test_ts_narrow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
