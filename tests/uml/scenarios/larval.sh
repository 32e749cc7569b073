# ALLOCSPI's larval state expires (net.core.xfrm_acq_expires); completing the
# SA afterwards must still work: the seam falls back from UPDSA to NEWSA.
. "$IKESH_UML_LIB"
topology
in_ns gA sysctl -qw net.core.xfrm_acq_expires=1 || fail "sysctl"
tool gA child --alg gcm256 --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 \
	--rnet 10.2.0.0/24 --spi-out 0xc0000a11 --spi-in 0xc0000b11 --alloc --alloc-wait 4 \
	>gA.out 2>&1 &
pid=$!
wait_for gA.out 'allocated spi 0xc0000b11' 5 || fail "no SPI allocated"
in_ns gA ip xfrm state get src 192.0.2.2 dst 192.0.2.1 proto esp spi 0xc0000b11 >/dev/null ||
	fail "no larval state after ALLOCSPI"
t=0
while in_ns gA ip xfrm state get src 192.0.2.2 dst 192.0.2.1 proto esp spi 0xc0000b11 \
	>/dev/null 2>&1; do
	t=$((t + 1))
	[ $t -gt 30 ] && fail "the larval state did not expire"
	sleep 0.1
done
ok "the larval state expired"
wait $pid || { cat gA.out; fail "completing the SA after the larval state expired"; }
check_ip_xfrm gA gA.out
ok "the inbound SA was installed after all"
