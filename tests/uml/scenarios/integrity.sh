# Integrity failures: gA sends with a wrong key; gB's inbound SA counts the
# failures (read through the seam and shown by ip -s xfrm) and the kernel's
# global XfrmInStateProtoError counter (/proc/net/xfrm_stat through the seam)
# rises by as much.
. "$IKESH_UML_LIB"
alg=${SCENARIO_ALG:-aes128-sha256}
topology
clear_path hA 10.2.0.2
tool gA child --alg $alg --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 \
	--rnet 10.2.0.0/24 --spi-out 0xc0000a10 --spi-in 0xc0000b10 --bad-key >/dev/null ||
	fail "gA: child"
tool gB child --alg $alg --local 192.0.2.2 --remote 192.0.2.1 --lnet 10.2.0.0/24 \
	--rnet 10.1.0.0/24 --spi-out 0xc0000b10 --spi-in 0xc0000a10 >/dev/null || fail "gB: child"
stat_of() { tool gB stat | sed -n "s/^$1 //p"; }
before=$(stat_of XfrmInStateProtoError)
[ -n "$before" ] || fail "no XfrmInStateProtoError through the seam"
in_ns hA ping -c 3 -i 0.05 -W 0.3 10.2.0.2 >/dev/null && fail "ping passed with a wrong key"
after=$(stat_of XfrmInStateProtoError)
[ "$after" = $((before + 3)) ] || fail "XfrmInStateProtoError went from $before to $after, expected +3"
ok "XfrmInStateProtoError rose by 3 (read through the seam)"
line=$(tool gB counters --local 192.0.2.1 --remote 192.0.2.2 --alg $alg --spi-out 0xc0000a10 | head -n 1)
echo "$line"
case $line in *"packets 0 "*"integrity 3") ;; *) fail "gB's inbound SA: $line" ;; esac
in_ns gB ip -s xfrm state get src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000a10 |
	grep -q 'replay-window 0 replay 0 failed 3' || fail "ip -s xfrm does not show 3 failures"
ok "gB's inbound SA counted 3 integrity failures, 0 good packets (seam and ip agree)"
