# The harness runs this inside UML: it must see the UML kernel, its modules
# and the seam tool, and its exit status 0 is the verdict.
. "$IKESH_UML_LIB"
case "$(uname -r)" in *) ;; esac
[ -d /proc/sys/net/ipv4 ] || fail "no /proc/sys/net"
grep -q '^esp4 ' /proc/modules || fail "esp4 not loaded"
grep -q '^veth ' /proc/modules || fail "veth not loaded"
[ -x "$IKESH_SEAM_TOOL" ] || fail "no seam tool"
ok "running in $(uname -r) with esp4 and veth"
# OpenSSL inside UML runs without its AVX paths (uml_run.sh): what libcrypto
# ended up with after the mask must have bit 60 (AVX) of the first vector and
# bits 5 (AVX2) and 16 (AVX512F) of the second clear.
caps=$(openssl info -cpusettings) || fail "openssl info -cpusettings"
case $caps in *"env:~"*) ;; *) fail "OPENSSL_ia32cap is not the runner's mask: $caps" ;; esac
/usr/bin/python3 - "$caps" <<'PY' || fail "OpenSSL still uses AVX/AVX2/AVX512: $caps"
import re, sys
m = re.match(r"OPENSSL_ia32cap=0x([0-9a-f]+):0x([0-9a-f]+)", sys.argv[1])
lv0, lv1 = int(m.group(1), 16), int(m.group(2), 16)
sys.exit(1 if lv0 >> 60 & 1 or lv1 >> 5 & 1 or lv1 >> 16 & 1 else 0)
PY
ok "OpenSSL's AVX paths masked: $caps"
# /tmp is UML's own, wherever the checkout is (under /tmp only what the run
# needs is bound back in)
[ "$(stat -f -c %T /tmp)" = tmpfs ] || fail "/tmp is not a private tmpfs"
[ "$(ls /tmp | wc -l)" -le 2 ] || fail "the host's /tmp shows inside UML: $(ls /tmp | head -5)"
ok "/tmp is private: $(ls /tmp | wc -l) entries"
