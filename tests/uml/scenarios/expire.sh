# Lifetimes: a soft packet limit raises a soft EXPIRE event (rekey), a hard
# time limit a hard one (the SA is gone); both read through the seam.
. "$IKESH_UML_LIB"
topology
tool gA child --alg aes128-sha256 --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 \
	--rnet 10.2.0.0/24 --spi-out 0xc0000a03 --spi-in 0xc0000b03 --soft-packets 3 \
	--hard-packets 1000 >gA.out || fail "gA: child"
tool gB child --alg aes128-sha256 --local 192.0.2.2 --remote 192.0.2.1 --lnet 10.2.0.0/24 \
	--rnet 10.1.0.0/24 --spi-out 0xc0000b03 --spi-in 0xc0000a03 >gB.out || fail "gB: child"
in_ns gA ip -s xfrm state get src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000a03 |
	grep -q 'soft 3(packets), hard 1000(packets)' || fail "packet limits not installed"
tool gA events --want expire-soft --timeout 15 >ev.out 2>&1 &
evpid=$!
wait_for ev.out listening 5 || fail "event listener did not start"
in_ns hA ping -c 5 -i 0.05 -W 2 10.2.0.2 >/dev/null || fail "ping through the tunnel"
wait $evpid || { cat ev.out; fail "no soft EXPIRE event"; }
cat ev.out
grep -q 'event expire soft spi 0xc0000a03 dst 192.0.2.2' ev.out || fail "wrong soft EXPIRE event"
ok "soft EXPIRE for the outbound SA after 3 packets"

# hard expiry by time: the SA is removed by the kernel and the seam says so
tool gA child --alg gcm128 --local 192.0.2.1 --remote 192.0.2.2 --lnet 10.1.0.0/24 \
	--rnet 10.3.0.0/24 --spi-out 0xc0000a04 --spi-in 0xc0000b04 --reqid 0x494b0002 \
	--soft-secs 1 --hard-secs 2 >gA2.out || fail "gA: second child"
tool gA events --want expire-hard --count 2 --timeout 15 >ev2.out 2>&1 || { cat ev2.out; fail "no hard EXPIRE"; }
cat ev2.out
grep -q 'event expire hard spi 0xc0000a04' ev2.out || fail "wrong hard EXPIRE event"
if tool gA counters --local 192.0.2.1 --remote 192.0.2.2 --alg gcm128 --spi-out 0xc0000a04 \
	2>err.out; then
	fail "the hard-expired SA can still be read"
fi
cat err.out
grep -q 'read SA esp spi 0xc0000a04 dst 192.0.2.2: No such process' err.out ||
	fail "the error does not name the SA"
ok "hard EXPIRE after 2 s; the SA is gone"
