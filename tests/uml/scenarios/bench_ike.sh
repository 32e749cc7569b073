# IKE benchmark, not a test (`cmake --build build --target bench_ike_uml`):
# N IKE SAs, each with one CHILD_SA, aes256gcm16-prfsha256-x25519 with a
# pre-shared key, between gA and gB over one veth inside user-mode Linux:
#   1. ikesh (gA, initiator) against ikesh (gB, responder-only);
#   2. strongSwan's charon against charon, same proposal, addresses, subnets;
#   3. the crypto-only ceiling (ike_crypto_cost), in the same kernel.
# Tunnel k runs between 172.16.K.1 and 172.17.K.1 (/15 on the veth, one
# address pair per tunnel) and protects 10.64+k/256.k%256.0/24 (gA) against
# 10.128+k/256.k%256.0/24 (gB).
# Timed from the start of the initiating process (ikesh) or the loading of
# the connections (charon, start_action = start) until all N are up; memory
# per tunnel is the growth of VmRSS from before the negotiations to after.
#
# SCENARIO_N     tunnels (default 200)
# SCENARIO_BURST 1: a test, not the benchmark: ikesh against ikesh only, and
#                it fails unless all N come up without a datagram dropped on
#                a full receive buffer and without a retransmission
. "$IKESH_UML_LIB"
n=${SCENARIO_N:-200}
burst=${SCENARIO_BURST:-0}
work=$(pwd)
psk=bench-pre-shared-key-1
now() { date +%s.%N; }
# udp_drops NS: datagrams the kernel dropped for a full socket receive buffer
udp_drops() {
	in_ns $1 cat /proc/net/snmp | awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) f[$i] = i; h = 1 } else print $f["RcvbufErrors"] }'
}
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

# tunnels SIDE: one line per tunnel, "INDEX LOCAL REMOTE LOCAL-NET REMOTE-NET"
# as SIDE (a: gA, b: gB) sees it
tunnels() {
	awk -v n=$n -v side=$1 'BEGIN {
		for (k = 0; k < n; k++) {
			a = sprintf("172.16.%d.%d", int(k / 250), k % 250 + 1)
			b = sprintf("172.17.%d.%d", int(k / 250), k % 250 + 1)
			an = sprintf("10.%d.%d.0/24", 64 + int(k / 256), k % 256)
			bn = sprintf("10.%d.%d.0/24", 128 + int(k / 256), k % 256)
			if (side == "a")
				print k, a, b, an, bn
			else
				print k, b, a, bn, an
		}
	}'
}
topology
tunnels a | awk '{ print "addr add " $2 "/15 dev wan" }' >addr.a
tunnels b | awk '{ print "addr add " $2 "/15 dev wan" }' >addr.b
ip -n gA -batch addr.a || fail "gA addresses"
ip -n gB -batch addr.b || fail "gB addresses"
# Every address pair needs a neighbour entry, and the kernel's table holds
# 1,024 by default (gc_thresh3, shared by all namespaces): past it sends fail
# with ENOBUFS and the benchmark measures the table, not IKE.  Permanent
# entries for the far side's addresses, and room for them.
sysctl -qw net.ipv4.neigh.default.gc_thresh1=$((4 * n + 1024)) \
	net.ipv4.neigh.default.gc_thresh2=$((4 * n + 2048)) \
	net.ipv4.neigh.default.gc_thresh3=$((4 * n + 4096)) || fail "neighbour table size"
mac_a=$(ip -n gA -br link show wan | awk '{ print $3 }')
mac_b=$(ip -n gB -br link show wan | awk '{ print $3 }')
tunnels a | awk -v m="$mac_b" '{ print "neigh replace " $3 " lladdr " m " dev wan nud permanent" }' >neigh.a
tunnels b | awk -v m="$mac_a" '{ print "neigh replace " $3 " lladdr " m " dev wan nud permanent" }' >neigh.b
ip -n gA -batch neigh.a || fail "gA neighbours"
ip -n gB -batch neigh.b || fail "gB neighbours"
in_ns gA ping -c 1 -W 2 172.17.0.1 >/dev/null || fail "no path 172.16.0.1 -> 172.17.0.1"
in_ns gA ping -c 1 -W 2 "172.17.$(((n - 1) / 250)).$(((n - 1) % 250 + 1))" >/dev/null ||
	fail "no path to the last address"

# ---- 1. ikesh against ikesh
# conf SIDE START: N tunnels committed with `ikesh -f` into SIDE's state
conf() {
	{
		cat <<EOF
configure terminal
crypto ikev2 policy 1
 encryption aes256-gcm
 prf sha256
 group 31
crypto ipsec policy P
 encryption aes256-gcm
EOF
		tunnels $1 | awk -v psk=$psk -v start=$2 '{
			printf "ipsec tunnel T%s\n ike-policy 1\n ipsec-policy P\n", $1
			printf " local-address %s\n remote-address %s\n", $2, $3
			printf " authentication pre-share key %s\n", psk
			printf " local-subnet %s\n remote-subnet %s\n start-mode %s\n", $4, $5, start
		}'
		echo "commit"
		echo "end"
	} >conf.$1
	"$IKESH_BIN" --no-ike --state-dir "$work/state.$1" --run-dir "$work/run.$1" -f conf.$1 \
		>commit.$1.out 2>&1 || { cat commit.$1.out; fail "commit of $n tunnels ($1)"; }
}
t0=$(now)
conf a auto
conf b responder-only
t1=$(now)
echo "bench: $n tunnels committed on each side with ikesh -f in $(echo "$t1 - $t0" | bc -l) s"

cat >await.sh <<EOF
t=0
until [ -e "$work/\$1" ]; do
	t=\$((t + 1))
	[ \$t -gt \$((\${2:-60} * 10)) ] && { echo "no \$1 after \${2:-60} s"; exit 1; }
	sleep 0.1
done
EOF
# rss.sh NAME DRIVER: the VmRSS of the ikesh that DRIVER runs, to NAME
cat >rss.sh <<EOF
p=\$(ps -o pid=,comm= --ppid \$2 | awk '\$2 == "ikesh" { print \$1 }')
sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/\$p/status >$work/\$1
EOF
cat >steps.b <<EOF
@sh sh $work/rss.sh rss.b0 \$PPID
@sh touch $work/b.ready
@until 600 ^active +: $n$ :: show crypto ikev2 stats
@sh sh $work/rss.sh rss.b1 \$PPID
show crypto ikev2 stats
@sh sh $work/await.sh a.done 60
EOF
cat >steps.a <<EOF
@sh sh $work/rss.sh rss.a0 \$PPID
@sh date +%s.%N >$work/a.prompt
@until 600 ^active +: $n$ :: show crypto ikev2 stats
@sh date +%s.%N >$work/a.up
@sh sh $work/rss.sh rss.a1 \$PPID
@sh ip -n gA xfrm state | grep -c '^src' >$work/sa.a
show crypto ikev2 stats
@expect ^negotiating +: 0$
@expect ^IKE SAs established +: $n$
@expect ^CHILD SAs installed +: $n$
@sh touch $work/a.done
EOF
in_ns gB python3 "$IKESH_DRIVE" steps.b -- "$IKESH_BIN" --state-dir "$work/state.b" \
	--run-dir "$work/run.b" >ikesh.b.out 2>&1 &
pid_b=$!
sh await.sh b.ready 60 || { cat ikesh.b.out; fail "gB's ikesh did not start"; }
t0=$(now)
in_ns gA python3 "$IKESH_DRIVE" steps.a -- "$IKESH_BIN" --state-dir "$work/state.a" \
	--run-dir "$work/run.a" >ikesh.a.out 2>&1
rc_a=$?
wait $pid_b
rc_b=$?
if [ $rc_a != 0 ] || [ $rc_b != 0 ]; then
	tail -n 40 ikesh.a.out
	tail -n 40 ikesh.b.out
	fail "ikesh against ikesh: $n tunnels did not come up"
fi
# the engines' own counts: retransmissions, cookies, drops
for side in a b; do
	awk '/IKEv2 SA Statistics/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' \
		ikesh.$side.out >stats.$side
	echo "bench ikesh-ikesh: show crypto ikev2 stats on g$(echo $side | tr ab AB), at the end:"
	grep -E 'Messages|Retrans|cache|Cookie|INVALID_KE|established|installed' stats.$side | sed 's/^/  /'
done
echo "bench ikesh-ikesh: UDP datagrams dropped on a full receive buffer: gA $(udp_drops gA), gB $(udp_drops gB)"
sa=$(cat sa.a)
if [ "$burst" = 1 ]; then
	[ "$(udp_drops gA)" = 0 ] && [ "$(udp_drops gB)" = 0 ] ||
		fail "datagrams dropped on a full receive buffer"
	grep -Eq '^Retransmissions +: 0$' stats.a || fail "the initiator retransmitted"
	[ "$sa" = $((2 * n)) ] || fail "gA has $sa kernel SAs, expected $((2 * n))"
	ok "$n tunnels initiated at once came up without a lost request or a retransmission"
	exit 0
fi
t_up=$(cat a.up)
el=$(echo "$t_up - $t0" | bc -l)
el_p=$(echo "$t_up - $(cat a.prompt)" | bc -l)
echo "bench ikesh-ikesh: $n IKE SAs (1 CHILD_SA each) in $el s from the initiator's start" \
	"($el_p s from its first prompt): $(echo "$n / $el" | bc -l | cut -c1-7) IKE SAs/s"
echo "bench ikesh-ikesh: VmRSS initiator $(cat rss.a0) kB at its first prompt (negotiations" \
	"under way) -> $(cat rss.a1) kB; responder $(cat rss.b0) kB with its tunnels configured ->" \
	"$(cat rss.b1) kB with $n up (kernel SAs in gA: $sa)"
echo "bench ikesh-ikesh: memory per established tunnel (responder's VmRSS growth / N):" \
	"$(echo "($(cat rss.b1) - $(cat rss.b0)) / $n" | bc -l | cut -c1-6) kB"
[ "$sa" = $((2 * n)) ] || fail "gA has $sa kernel SAs, expected $((2 * n))"
left=$(in_ns gA ip xfrm state | grep -c '^src')
[ "$left" = 0 ] || fail "gA's ikesh left $left kernel SAs behind when it exited"

# ---- 2. charon against charon
# sw SIDE: strongswan.conf and swanctl.conf for gA (a) or gB (b)
sw() {
	mkdir -p sw.$1
	cat >sw.$1/strongswan.conf <<EOF
charon {
  load_modular = yes
  install_routes = no
  retransmit_tries = 3
  syslog { daemon { default = -1 } }
  filelog { log { path = $work/sw.$1/charon.log
                  default = 0 } }
  plugins {
    include /etc/strongswan.d/charon/*.conf
    vici { socket = unix://$work/sw.$1/charon.vici }
  }
}
EOF
	start=none
	[ "$1" = a ] && start=start
	{
		echo "connections {"
		tunnels $1 | awk -v start=$start '{
			printf "  t%s {\n    version = 2\n", $1
			printf "    local_addrs = %s\n    remote_addrs = %s\n", $2, $3
			printf "    proposals = aes256gcm16-prfsha256-x25519\n"
			printf "    local { auth = psk\n id = %s }\n    remote { auth = psk\n id = %s }\n", $2, $3
			printf "    children { net { local_ts = %s\n remote_ts = %s\n", $4, $5
			printf "      esp_proposals = aes256gcm16\n start_action = %s } }\n  }\n", start
		}'
		echo "}"
		echo "secrets { ike-1 { secret = \"$psk\" } }"
	} >sw.$1/swanctl.conf
}
sw a
sw b
# charon_start SIDE NS: charon with its own /run; waits until it answers
charon_start() {
	# not through in_ns: $! must be charon itself
	ip netns exec $2 unshare -m sh -c "mount -t tmpfs none /run && STRONGSWAN_CONF=$work/sw.$1/strongswan.conf exec /usr/lib/ipsec/charon" \
		>sw.$1/charon.out 2>&1 </dev/null &
	echo $! >sw.$1/pid
	t=0
	until swanctl --stats --uri "unix://$work/sw.$1/charon.vici" >/dev/null 2>&1; do
		t=$((t + 1))
		[ $t -gt 200 ] && { cat sw.$1/charon.out; fail "charon in $2 did not start"; }
		sleep 0.1
	done
}
charon_start a gA
charon_start b gB
vici_a="--uri unix://$work/sw.a/charon.vici"
vici_b="--uri unix://$work/sw.b/charon.vici"
swanctl --load-all $vici_b --file "$work/sw.b/swanctl.conf" >sw.b/load.out 2>&1 ||
	{ tail sw.b/load.out; fail "swanctl --load-all (gB)"; }
rss_a0=$(rss "$(cat sw.a/pid)")
rss_b0=$(rss "$(cat sw.b/pid)")
t0=$(now)
swanctl --load-all $vici_a --file "$work/sw.a/swanctl.conf" >sw.a/load.out 2>&1 ||
	{ tail sw.a/load.out; fail "swanctl --load-all (gA)"; }
t=0
while :; do
	up=$(swanctl --stats $vici_a 2>/dev/null | sed -n 's/^IKE_SAs: *\([0-9]*\) total, *\([0-9]*\) half-open.*/\1 \2/p')
	set -- $up
	[ "${1:-0}" = "$n" ] && [ "${2:-1}" = 0 ] && break
	t=$((t + 1))
	if [ $t -gt 1200 ]; then
		echo "bench charon-charon: only ${1:-0} of $n IKE SAs (${2:-?} half-open) after 600 s"
		break
	fi
	sleep 0.5
done
# the CHILD_SAs are installed with the IKE SA; check they all are
t_up=$(now)
children=$(swanctl --list-sas $vici_a 2>/dev/null | grep -c 'INSTALLED, TUNNEL')
rss_a1=$(rss "$(cat sw.a/pid)")
rss_b1=$(rss "$(cat sw.b/pid)")
sa=$(in_ns gA ip xfrm state | grep -c '^src')
el=$(echo "$t_up - $t0" | bc -l)
echo "bench charon-charon: $n IKE SAs (1 CHILD_SA each) in $el s from loading the connections:" \
	"$(echo "$n / $el" | bc -l | cut -c1-7) IKE SAs/s (CHILD_SAs installed: $children, kernel SAs in gA: $sa)"
echo "bench charon-charon: VmRSS initiator $rss_a0 kB before loading its connections -> $rss_a1 kB;" \
	"responder $rss_b0 kB with its connections loaded -> $rss_b1 kB"
echo "bench charon-charon: memory per established tunnel (responder's VmRSS growth / N):" \
	"$(echo "($rss_b1 - $rss_b0) / $n" | bc -l | cut -c1-6) kB"
echo "bench charon-charon: UDP datagrams dropped on a full receive buffer (since boot): gA $(udp_drops gA), gB $(udp_drops gB)"
kill "$(cat sw.a/pid)" "$(cat sw.b/pid)" 2>/dev/null
[ "$children" = "$n" ] || echo "bench charon-charon: FAILED, $children CHILD_SAs installed, expected $n"

# ---- 3. the crypto-only ceiling
"$IKESH_CRYPTO_COST" 3 || fail "ike_crypto_cost"
echo "bench: $(nproc) CPU in UML for all of it; ikesh is one thread, charon a pool of 16 by default"
exit 0
