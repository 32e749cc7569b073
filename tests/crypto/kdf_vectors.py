#!/usr/bin/env python3
# Independent reference for the IKEv2 KDF chain (RFC 7296 §2.13-2.18), used to
# produce the expected values in test_kdf.c. It uses only Python's hmac module
# and the RFC text, not the engine's code. Run: python3 kdf_vectors.py
import hashlib
import hmac

def prf(h, k, d):
    return hmac.new(k, d, h).digest()

def prf_plus(h, k, s, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = prf(h, k, t + s + bytes([i]))
        out += t
        i += 1
    return out[:n]

def hx(b):
    return b.hex()

ni = bytes(range(0x00, 0x20))            # 32 bytes
nr = bytes(range(0x80, 0xa0))            # 32 bytes
gir = bytes((i * 7 + 3) & 0xff for i in range(32))
gir_new = bytes((i * 11 + 5) & 0xff for i in range(32))
spii = bytes.fromhex("0102030405060708")
spir = bytes.fromhex("a1a2a3a4a5a6a7a8")

for name, h, plen in (("sha256", hashlib.sha256, 32), ("sha1", hashlib.sha1, 20)):
    skeyseed = prf(h, ni + nr, gir)
    # AES-CBC-128 + HMAC-SHA2-256-128 layout: d, ai, ar, ei, er, pi, pr
    km = prf_plus(h, skeyseed, ni + nr + spii + spir, 3 * plen + 2 * 32 + 2 * 16)
    print(name, "skeyseed", hx(skeyseed))
    print(name, "km", hx(km))
    sk_d = km[:plen]
    print(name, "child", hx(prf_plus(h, sk_d, ni + nr, 64)))
    print(name, "child_dh", hx(prf_plus(h, sk_d, gir_new + ni + nr, 64)))
    print(name, "rekey", hx(prf(h, sk_d, gir_new + ni + nr)))

# PSK AUTH (§2.15) with HMAC-SHA2-256
h = hashlib.sha256
psk = b"correct horse battery staple"
msg = bytes((i * 13) & 0xff for i in range(100))
sk_pi = bytes(range(0x40, 0x60))
idbody = bytes([1, 0, 0, 0, 192, 0, 2, 1])  # ID_IPV4_ADDR 192.0.2.1
auth = prf(h, prf(h, psk, b"Key Pad for IKEv2"), msg + nr + prf(h, sk_pi, idbody))
print("psk_auth", hx(auth))
