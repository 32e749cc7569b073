#!/usr/bin/env python3
# Independent computation of the IKEv2 shared-key AUTH payload data
# (RFC 7296 §2.15) for test_psk_auth.c, with Python's hmac/hashlib only:
#   AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <msg> | <peer nonce> | prf(SK_p, RestOfID))
# RestOfID = ID Type | 3 RESERVED octets | ID data.
# Run: python3 tests/ike/psk_auth_vector.py  and paste the output into the test.
import hashlib
import hmac


def prf(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


psk = b"a-long-and-secret-pre-shared-key"
init_req = bytes(range(0x40, 0x40 + 80))   # stands for the whole IKE_SA_INIT request
init_resp = bytes(range(0x90, 0x90 + 72))  # and the response
ni = bytes([0xA5] * 32)
nr = bytes([0x5A] * 32)
sk_pi = bytes(range(1, 33))
sk_pr = bytes(range(101, 133))
id_i = bytes([1, 0, 0, 0]) + bytes([192, 0, 2, 1])        # ID_IPV4_ADDR 192.0.2.1
id_r = bytes([2, 0, 0, 0]) + b"gw.example.net"            # ID_FQDN

pad = prf(psk, b"Key Pad for IKEv2")
auth_i = prf(pad, init_req + nr + prf(sk_pi, id_i))
auth_r = prf(pad, init_resp + ni + prf(sk_pr, id_r))
print("auth_i", auth_i.hex())
print("auth_r", auth_r.hex())
