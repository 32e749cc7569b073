# The harness runs this inside UML: it must see the UML kernel, its modules
# and the seam tool, and its exit status 0 is the verdict.
. "$IKESH_UML_LIB"
case "$(uname -r)" in *) ;; esac
[ -d /proc/sys/net/ipv4 ] || fail "no /proc/sys/net"
grep -q '^esp4 ' /proc/modules || fail "esp4 not loaded"
grep -q '^veth ' /proc/modules || fail "veth not loaded"
[ -x "$IKESH_SEAM_TOOL" ] || fail "no seam tool"
ok "running in $(uname -r) with esp4 and veth"
# /tmp is UML's own, wherever the checkout is (under /tmp only what the run
# needs is bound back in)
[ "$(stat -f -c %T /tmp)" = tmpfs ] || fail "/tmp is not a private tmpfs"
[ "$(ls /tmp | wc -l)" -le 2 ] || fail "the host's /tmp shows inside UML: $(ls /tmp | head -5)"
ok "/tmp is private: $(ls /tmp | wc -l) entries"
