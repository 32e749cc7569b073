# SPDX-License-Identifier: ISC
# Helpers for scenario scripts run by uml_run.sh inside user-mode Linux.
#
# Topology made by topology():
#
#   hA --- gA ===================== gB --- hB
#   10.1.0.2   10.1.0.1   192.0.2.1   192.0.2.2   10.2.0.1   10.2.0.2
#   fd01::2    fd01::1    2001:db8::1 2001:db8::2 fd02::1    fd02::2
#
# gA and gB are the IPsec gateways; hA and hB the protected hosts.
set -u

TOOL=$IKESH_SEAM_TOOL

fail() {
	echo "FAIL: $*"
	exit 1
}

ok() {
	echo "ok: $*"
}

in_ns() {
	ns=$1
	shift
	ip netns exec "$ns" "$@"
}

tool() {
	ns=$1
	shift
	ip netns exec "$ns" "$TOOL" "$@"
}

link() { # link NS1 IF1 NS2 IF2
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || fail "veth $2-$4"
	in_ns "$1" ip link set "$2" up
	in_ns "$3" ip link set "$4" up
}

topology() {
	for ns in hA gA gB hB; do
		ip netns add $ns || fail "netns $ns"
		in_ns $ns ip link set lo up
		in_ns $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	link hA eth0 gA lan
	link gA wan gB wan
	link gB lan hB eth0
	in_ns hA ip addr add 10.1.0.2/24 dev eth0
	in_ns hA ip addr add fd01::2/64 dev eth0 nodad
	in_ns gA ip addr add 10.1.0.1/24 dev lan
	in_ns gA ip addr add fd01::1/64 dev lan nodad
	in_ns gA ip addr add 192.0.2.1/24 dev wan
	in_ns gA ip addr add 2001:db8::1/64 dev wan nodad
	in_ns gB ip addr add 192.0.2.2/24 dev wan
	in_ns gB ip addr add 2001:db8::2/64 dev wan nodad
	in_ns gB ip addr add 10.2.0.1/24 dev lan
	in_ns gB ip addr add fd02::1/64 dev lan nodad
	in_ns hB ip addr add 10.2.0.2/24 dev eth0
	in_ns hB ip addr add fd02::2/64 dev eth0 nodad
	in_ns hA ip route add default via 10.1.0.1
	in_ns hA ip -6 route add default via fd01::1
	in_ns hB ip route add default via 10.2.0.1
	in_ns hB ip -6 route add default via fd02::1
	in_ns gA ip route add 10.2.0.0/24 via 192.0.2.2
	in_ns gA ip -6 route add fd02::/64 via 2001:db8::2
	in_ns gB ip route add 10.1.0.0/24 via 192.0.2.1
	in_ns gB ip -6 route add fd01::/64 via 2001:db8::1
	for ns in gA gB; do
		in_ns $ns sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	done
}

# check_ip_xfrm NS FILE: every "check-state"/"check-policy" line the seam
# tool printed must be found in what `ip xfrm` shows for that object.
check_ip_xfrm() {
	ns=$1
	n=0
	while IFS='|' read -r what needle; do
		set -- $what
		case $1 in
		check-state)
			out=$(in_ns "$ns" ip xfrm state get src "$2" dst "$3" proto "$4" spi "$5") ||
				fail "$ns: ip xfrm state get $2 $3 $4 $5"
			;;
		check-policy)
			ifid=
			[ "${5:-0}" != 0 ] && ifid="if_id $5"
			out=$(in_ns "$ns" ip xfrm policy get src "$2" dst "$3" dir "$4" $ifid) ||
				fail "$ns: ip xfrm policy get $2 $3 $4"
			;;
		*) continue ;;
		esac
		case $out in
		*"$needle"*) n=$((n + 1)) ;;
		*) echo "$out"; fail "$ns: ip xfrm does not show '$needle' for $what" ;;
		esac
	done <"$2"
	[ "$n" -gt 0 ] || fail "$ns: no check lines in $2"
	ok "$ns: ip xfrm agrees with the seam on $n fields"
}

# ip_packets NS SRC DST PROTO SPI: the packet counter as `ip -s xfrm` shows it
ip_packets() {
	in_ns "$1" ip -s xfrm state get src "$2" dst "$3" proto "$4" spi "$5" |
		sed -n 's/.*(bytes), *\([0-9]*\)(packets).*/\1/p'
}

# seam_packets NS SRC DST PROTO_ALG SPI: the packet counter read through the seam
seam_packets() {
	tool "$1" counters --local "$2" --remote "$3" --alg "$4" --spi-out "$5" |
		sed -n 's/^packets \([0-9]*\) .*/\1/p'
}

# expect_packets NS SRC DST ALG PROTO SPI N: seam and ip both say N packets
expect_packets() {
	s=$(seam_packets "$1" "$2" "$3" "$4" "$6")
	i=$(ip_packets "$1" "$2" "$3" "$5" "$6")
	[ "$s" = "$7" ] || fail "$1: SA $6 has $s packets through the seam, expected $7"
	[ "$i" = "$7" ] || fail "$1: SA $6 has $i packets in ip -s xfrm, expected $7"
	ok "$1: SA $6 counted $7 packets (seam and ip -s xfrm agree)"
}

# wait_for FILE TEXT SECONDS
wait_for() {
	t=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		t=$((t + 1))
		[ $t -gt $(($3 * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}
