# Installs N tunnel-mode child SAs (2N SAs, 3N policies) through the seam,
# unbatched and batched, and the same with `ip -batch`, and prints the times;
# first with the kernel's default policy hash thresholds (the /24 selectors
# go to its inexact tree), then with /24 selectors hashed.
# Not a test: run with `cmake --build build --target bench_xfrm`.
. "$IKESH_UML_LIB"
n=${SCENARIO_N:-10000}
ip netns add b || fail "netns"
in_ns b ip link set lo up
now() { date +%s.%N; }
ip_batch() {
	t0=$(now)
	in_ns b ip -batch "$WORK/ip.batch" || fail "ip -batch"
	t1=$(now)
	sa=$(in_ns b ip xfrm state | grep -c '^src')
	pol=$(in_ns b ip xfrm policy | grep -c '^src')
	[ "$sa" = $((2 * n)) ] || fail "ip -batch installed $sa SAs"
	[ "$pol" = $((3 * n)) ] || fail "ip -batch installed $pol policies"
	echo "bench ip -batch$1: $n children ($sa SAs, $pol policies) in $(echo "$t1 - $t0" | bc -l) s"
	in_ns b ip xfrm state flush
	in_ns b ip xfrm policy flush
}
tool b bench --count $n --ipbatch "$WORK/ip.batch" || fail "ip batch file"
tool b bench --count $n || fail "unbatched"
tool b bench --count $n --batch || fail "batched"
ip_batch ""
tool b bench --count $n --hthresh 24 || fail "unbatched, hashed"
tool b bench --count $n --batch --hthresh 24 || fail "batched, hashed"
ip_batch ", hashed /24"
