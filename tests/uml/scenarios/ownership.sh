# The seam deletes only what it installed (its reqid range): state that
# other IPsec software put in the kernel survives flush and the stale-state
# cleanup at open.
. "$IKESH_UML_LIB"
topology
tool gA child --alg gcm256 --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 \
	--rnet 10.2.0.0/24 --spi-out 0xc0000a05 --spi-in 0xc0000b05 >gA.out || fail "gA: child"
in_ns gA ip xfrm state add src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x1000 reqid 7 \
	mode tunnel aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128 ||
	fail "foreign SA"
in_ns gA ip xfrm policy add src 10.1.0.0/24 dst 10.9.0.0/24 dir out tmpl src 192.0.2.1 \
	dst 192.0.2.9 proto esp reqid 7 mode tunnel || fail "foreign policy"
[ "$(in_ns gA ip xfrm state | grep -c '^src')" = 3 ] || fail "expected 3 SAs"
[ "$(in_ns gA ip xfrm policy | grep -c '^src')" = 4 ] || fail "expected 4 policies"
tool gA open-clean || fail "open"
[ "$(in_ns gA ip xfrm state | grep -c '^src')" = 1 ] || fail "stale SAs not removed at open"
[ "$(in_ns gA ip xfrm policy | grep -c '^src')" = 1 ] || fail "stale policies not removed at open"
in_ns gA ip xfrm state get src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x1000 >/dev/null ||
	fail "the foreign SA was deleted"
in_ns gA ip xfrm policy get src 10.1.0.0/24 dst 10.9.0.0/24 dir out >/dev/null ||
	fail "the foreign policy was deleted"
ok "open removed our stale state and kept the foreign SA and policy"
tool gA child --alg gcm256 --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 \
	--rnet 10.2.0.0/24 --spi-out 0xc0000a05 --spi-in 0xc0000b05 >/dev/null || fail "reinstall"
tool gA flush || fail "flush"
[ "$(in_ns gA ip xfrm state | grep -c '^src')" = 1 ] || fail "flush left our SAs"
[ "$(in_ns gA ip xfrm policy | grep -c '^src')" = 1 ] || fail "flush left our policies"
ok "flush removed only our state"
# an error from the kernel comes back naming the object and with its reason
tool gA child --alg gcm256 --local 192.0.2.1 --remote 192.0.2.9 --lnet 10.1.0.0/24 \
	--rnet 10.9.0.0/24 --spi-out 0x1000 --spi-in 0xc0000b06 >/dev/null 2>err.out &&
	fail "a duplicate SA was accepted"
cat err.out
grep -q 'child: add SA esp spi 0x00001000 dst 192.0.2.9: File exists' err.out ||
	fail "the duplicate SA error does not say what and where"
ok "a kernel refusal names the SA"
# the child was taken back whole: no inbound SA, no policy; the foreign SA stays
in_ns gA ip xfrm state get src 192.0.2.9 dst 192.0.2.1 proto esp spi 0xc0000b06 >/dev/null 2>&1 &&
	fail "the failed child's inbound SA stayed"
[ "$(in_ns gA ip xfrm policy | grep -c '^src')" = 1 ] || fail "the failed child's policies stayed"
in_ns gA ip xfrm state get src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x1000 >/dev/null ||
	fail "the foreign SA holding the SPI was deleted"
in_ns gA ip xfrm policy get src 10.1.0.0/24 dst 10.9.0.0/24 dir out | grep -q 'reqid 7 ' ||
	fail "the foreign policy with the same selector was replaced"
ok "a child that fails part-way is removed again, the SA that holds its SPI is not"
