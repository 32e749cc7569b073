# On-demand: an outbound policy with a template and no SA makes the kernel
# send ACQUIRE for the first packet; the seam hands it over with the reqid.
. "$IKESH_UML_LIB"
topology
tool gA ondemand --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 --rnet 10.2.0.0/24 \
	--reqid 0x494b0007 >gA.out || fail "gA: on-demand policy"
check_ip_xfrm gA gA.out
tool gA events --want acquire --timeout 15 >ev.out 2>&1 &
evpid=$!
wait_for ev.out listening 5 || fail "event listener did not start"
in_ns hA ping -c 1 -W 0.3 10.2.0.2 >/dev/null && fail "a packet passed with no SA"
wait $evpid || { cat ev.out; fail "no ACQUIRE event"; }
cat ev.out
# reqid 0x494b0007, the template's outer addresses, ESP, the packet's destination
grep -q 'event acquire reqid 1229651975 src 192.0.2.1 dst 192.0.2.2 proto 50 sel .* -> 10.2.0.2/32' ev.out ||
	fail "wrong ACQUIRE event"
ok "ACQUIRE for the first packet from hA to hB"
