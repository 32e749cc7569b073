# IKE sockets bypass IPsec: with a policy blocking UDP from gA to gB, a
# plain socket cannot send, a socket with the seam's bypass policies can.
. "$IKESH_UML_LIB"
topology
in_ns gA ip xfrm policy add src 192.0.2.1/32 dst 192.0.2.2/32 proto udp dir out action block ||
	fail "block policy"
in_ns gA ip xfrm policy add src 2001:db8::1/128 dst 2001:db8::2/128 proto udp dir out \
	action block || fail "block policy v6"
tool gA bypass-send --remote 192.0.2.2 --port 500 >out.txt && fail "a blocked socket could send"
cat out.txt
grep -q 'sendto: Operation not permitted' out.txt || fail "not blocked by the policy"
tool gA bypass-send --remote 192.0.2.2 --port 500 --bypass || fail "the bypass socket could not send"
tool gA bypass-send --remote 2001:db8::2 --port 4500 >out.txt && fail "a blocked IPv6 socket could send"
tool gA bypass-send --remote 2001:db8::2 --port 4500 --bypass || fail "the IPv6 bypass socket could not send"
ok "bypass policies on IKE sockets (IPv4, IPv6) get past a blocking policy"
