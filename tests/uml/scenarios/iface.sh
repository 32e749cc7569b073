# Route-based VPN interfaces: this UML kernel has VTI but no XFRM interfaces.
# Asking for an XFRM interface fails with a clear error; "auto" falls back
# to VTI; SAs and policies carrying an if_id install.
. "$IKESH_UML_LIB"
topology
tool gA iface --name ipsec0 --if-id 7 --kind xfrm 2>err.out && fail "xfrm interface created?"
cat err.out
grep -q 'no XFRM interfaces' err.out || fail "unclear error for a missing XFRM interface"
tool gA iface --name ipsec0 --if-id 7 --local 192.0.2.1 --remote 192.0.2.2 >out.txt ||
	fail "auto interface"
cat out.txt
grep -q 'created ipsec0 kind vti' out.txt || fail "no VTI fallback"
in_ns gA ip -d link show ipsec0 | grep -q 'vti remote 192.0.2.2 local 192.0.2.1 ikey 0.0.0.7 okey 0.0.0.7' ||
	{ in_ns gA ip -d link show ipsec0; fail "VTI parameters"; }
in_ns gA ip link show ipsec0 | grep -q '<.*UP' || fail "ipsec0 not up"
ok "VTI ipsec0 created and up"
tool gA child --alg gcm256 --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 \
	--rnet 10.2.0.0/24 --spi-out 0xc0000a08 --spi-in 0xc0000b08 >gA.out ||
	fail "child"
tool gA child --alg gcm256 --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 \
	--rnet 10.2.0.0/24 --spi-out 0xc0000a09 --spi-in 0xc0000b09 --if-id 9 --reqid 0x494b0009 \
	>gA9.out || fail "child with if_id"
check_ip_xfrm gA gA9.out
in_ns gA ip xfrm policy | grep -q 'if_id 0x9' || fail "policy without if_id"
ok "SAs and policies with if_id 9 beside the same ones without"
tool gA iface-del --name ipsec0 || fail "delete ipsec0"
in_ns gA ip link show ipsec0 2>/dev/null && fail "ipsec0 still there"
tool gA iface-del --name ipsec0 2>err.out && fail "deleted ipsec0 twice"
cat err.out
grep -q 'delete interface ipsec0: No such device' err.out || fail "unclear error for a missing interface"
ok "ipsec0 deleted; deleting it again says so"
