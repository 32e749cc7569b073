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
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# addr NS DEV ADDRESS...: IPv6 ones without duplicate address detection
addr() {
	ns=$1 dev=$2
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n $ns addr add $a dev $dev nodad || fail "$ns: address $a" ;;
		*) ip -n $ns addr add $a dev $dev || fail "$ns: address $a" ;;
		esac
	done
}

topology() {
	for ns in hA gA gB hB; do
		ip netns add $ns || fail "netns $ns"
		ip -n $ns link set lo up
		# link-local addresses usable at once: no duplicate address detection
		in_ns $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	link hA eth0 gA lan
	link gA wan gB wan
	link gB lan hB eth0
	addr hA eth0 10.1.0.2/24 fd01::2/64
	addr gA lan 10.1.0.1/24 fd01::1/64
	addr gA wan 192.0.2.1/24 2001:db8::1/64
	addr gB wan 192.0.2.2/24 2001:db8::2/64
	addr gB lan 10.2.0.1/24 fd02::1/64
	addr hB eth0 10.2.0.2/24 fd02::2/64
	ip -n hA route add default via 10.1.0.1
	ip -n hA -6 route add default via fd01::1
	ip -n hB route add default via 10.2.0.1
	ip -n hB -6 route add default via fd02::1
	ip -n gA route add 10.2.0.0/24 via 192.0.2.2
	ip -n gA -6 route add fd02::/64 via 2001:db8::2
	ip -n gB route add 10.1.0.0/24 via 192.0.2.1
	ip -n gB -6 route add fd01::/64 via 2001:db8::1
	for ns in gA gB; do
		in_ns $ns sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	done
}

# clear_path NS DST: DST answers a ping (neighbour discovery may take a moment)
clear_path() {
	for try in 1 2 3; do
		in_ns "$1" ping -c 1 -W 1 "$2" >/dev/null && return 0
	done
	fail "no clear-text path from $1 to $2"
}

# check_ip_xfrm NS FILE: every "check-state"/"check-policy" line the seam
# tool printed must be found in what `ip xfrm` shows for that object.
check_ip_xfrm() {
	ns=$1
	n=0
	last=
	while IFS='|' read -r what needle; do
		set -- $what
		if [ "$what" = "$last" ]; then # the same object: ip's answer is at hand
			case $out in
			*"$needle"*) n=$((n + 1)) ;;
			*) echo "$out"; fail "$ns: ip xfrm does not show '$needle' for $what" ;;
			esac
			continue
		fi
		last=$what
		case $1 in
		check-state)
			mark=
			[ "${6:-0}" != 0 ] && mark="mark $6"
			out=$(in_ns "$ns" ip xfrm state get src "$2" dst "$3" proto "$4" spi "$5" $mark) ||
				fail "$ns: ip xfrm state get $2 $3 $4 $5"
			;;
		check-policy)
			ifid=
			[ "${5:-0}" != 0 ] && ifid="if_id $5"
			[ "${6:-0}" != 0 ] && ifid="$ifid mark $6"
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

# seam_vs_ip NS SRC DST ALG PROTO SPI [MARK]: the SA's configuration as the
# seam reads it back from the kernel is what `ip xfrm state` shows
seam_vs_ip() {
	mark=
	[ -n "${7:-}" ] && mark="--mark $7"
	cfg=$(tool "$1" counters --local "$2" --remote "$3" --alg "$4" --spi-out "$6" $mark |
		sed -n 's/^config //p')
	[ -n "$cfg" ] || fail "$1: no configuration read back for SA $6"
	set -- "$1" "$2" "$3" "$5" "$6" "${7:-}" $cfg
	# $7.. = mode M encr E integ I icv N window W esn B
	mark=
	[ -n "$6" ] && mark="mark $6"
	out=$(in_ns "$1" ip xfrm state get src "$2" dst "$3" proto "$4" spi "$5" $mark)
	want="mode $8"
	case $out in *"$want"*) ;; *) fail "$1: SA $5: ip does not show '$want'" ;; esac
	if [ "${12}" != - ]; then # cipher + integrity, or integrity only (AH)
		want="auth-trunc ${12} 0x"
		case $out in *"$want"*" ${14}"*) ;; *) fail "$1: SA $5: ip does not show '$want ... ${14}'" ;; esac
		if [ "${10}" != - ]; then
			want="enc ${10} 0x"
			case $out in *"$want"*) ;; *) fail "$1: SA $5: ip does not show '$want'" ;; esac
		fi
	else
		want="aead ${10} 0x"
		case $out in *"$want"*" ${14}"*) ;; *) fail "$1: SA $5: ip does not show '$want ... ${14}'" ;; esac
	fi
	if [ "${18}" = 1 ] || [ "${16}" -gt 32 ]; then
		want="replay_window ${16},"
	else
		want="replay-window ${16} "
	fi
	case $out in *"$want"*) ;; *) echo "$out"; fail "$1: SA $5: ip does not show '$want'" ;; esac
	ok "$1: SA $5 as the seam reads it back ($8, ${10}, ${12}, icv ${14}, window ${16}, esn ${18}) is what ip shows"
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
