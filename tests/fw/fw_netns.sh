# firewall-rule against the host kernel's nf_tables, inside network
# namespaces of its own (the host's ruleset is never seen or touched):
#
#   hA 10.1.0.2 --lan-- gA (ikesh) --evil-- mallory 198.18.0.2, 10.2.0.77
#                        wan: a veth end, 192.0.2.1, route 10.2.0.0/24 via 192.0.2.2
#
# gA's tunnel B (10.1.0.0/24 <-> 10.2.0.0/24, peer 192.0.2.2) has
# firewall-rule and is shut down, so that no XFRM policy refuses the
# clear-text traffic before nftables sees it.  Checked: the commit installs
# table inet ikesh through libnftables; mallory's packets from 10.2.0.77
# to gA (input) and towards hA (forward) are dropped and counted, hA sees
# none; a commit changing the subnets replaces the table; removing the
# tunnel deletes it, after which the same packets reach hA; gA's own
# `table inet other` stays as it was throughout.
set -u
fail() {
	echo "FAIL: $*"
	exit 1
}
if [ -z "${FW_NETNS_INSIDE:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "skipped: needs root (network namespaces, nf_tables)"; exit 77; }
	command -v nft >/dev/null || { echo "skipped: no nft to look with"; exit 77; }
	unshare -n true 2>/dev/null || { echo "skipped: cannot make a network namespace"; exit 77; }
	FW_NETNS_INSIDE=1 exec unshare -n sh "$0" "$@"
fi
work=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
ip link set lo up

# ns_new: a process in a network namespace of its own; prints its pid once
# the namespace is there
me=$(readlink /proc/self/ns/net)
ns_new() {
	unshare -n sleep 300 >/dev/null 2>&1 &
	p=$!
	until [ "$(readlink /proc/$p/ns/net 2>/dev/null)" != "$me" ]; do :; done
	echo $p
}
pid_h=$(ns_new)
pids="$pids $pid_h"
pid_m=$(ns_new)
pids="$pids $pid_m"
in_h() { nsenter -t "$pid_h" -n "$@"; }
in_m() { nsenter -t "$pid_m" -n "$@"; }

ip link add lan type veth peer name eth0 netns "$pid_h" || fail "veth lan"
ip link add evil type veth peer name eth0 netns "$pid_m" || fail "veth evil"
ip link add wan type veth peer name wanpeer || fail "veth wan"
ip link set wanpeer up
for d in lan evil wan; do ip link set $d up; done
ip addr add 10.1.0.1/24 dev lan
ip addr add 198.18.0.1/24 dev evil
ip addr add 192.0.2.1/24 dev wan
ip route add 10.2.0.0/24 via 192.0.2.2
sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.evil.rp_filter=0
in_h ip link set lo up
in_h ip link set eth0 up
in_h ip addr add 10.1.0.2/24 dev eth0
in_h ip route add default via 10.1.0.1
in_m ip link set lo up
in_m ip link set eth0 up
in_m ip addr add 198.18.0.2/24 dev eth0
in_m ip addr add 10.2.0.77/32 dev eth0
in_m ip route add 10.1.0.0/24 via 198.18.0.1 src 10.2.0.77
in_h nft -f - <<'NFT' || fail "hA's counting table"
table inet watch {
	chain in {
		type filter hook input priority 0; policy accept;
		ip saddr 10.2.0.77 icmp type echo-request counter
	}
}
NFT
nft -f - <<'NFT' || fail "gA's other table"
table inet other {
	chain guard {
		type filter hook forward priority 10; policy accept;
		ip saddr 203.0.113.0/24 drop comment "not ikesh's"
	}
}
NFT
nft list table inet other >other.before

# the path is live: without rules, mallory's ping reaches hA (the count
# goes on from this 1)
in_m ping -c 1 -W 1 10.1.0.2 >/dev/null
seen() { in_h nft list table inet watch | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'; }
[ "$(seen)" = 1 ] || fail "mallory's ping did not reach hA without rules ($(seen))"

cat >seen.sh <<EOF
n=\$(nsenter -t $pid_h -n nft list table inet watch | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
echo "echo requests from 10.2.0.77 that reached hA: \$n"
[ "\$n" = "\$1" ]
EOF
# dropped.sh REGEX MIN: the first rule of table inet ikesh matching REGEX counted >= MIN
cat >dropped.sh <<EOF
nft list table inet ikesh >$work/ikesh.now || exit 1
n=\$(grep -E "\$1" $work/ikesh.now | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -n 1)
echo "rule /\$1/ counted \${n:-nothing}"
[ -n "\$n" ] && [ "\$n" -ge "\$2" ]
EOF
cat >other_same.sh <<EOF
nft list table inet other | diff -u $work/other.before - || exit 1
echo "table inet other unchanged"
EOF

cat >steps <<EOF
configure terminal
ipsec tunnel B
 shutdown
 local-address 192.0.2.1
 remote-address 192.0.2.2
 authentication pre-share key fw-test-key
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 firewall-rule
commit
@reject %
end
show ipsec tunnel B
@expect Firewall: installed in table inet ikesh, 7 rules
@reject Not in effect yet
show firewall
@expect ^Tunnel B
@expect input: ip saddr 192.0.2.2 udp dport \{ 500, 4500 \} accept comment "B"
@expect forward: ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 meta ipsec exists accept comment "B"
@sh ! ip xfrm policy | grep 'dir '

@sh nft list table inet ikesh
@sh nft list table inet ikesh | grep -q 'ip saddr 10.1.0.0/24 ip daddr 10.2.0.0/24 rt ipsec exists accept'
@sh sh $work/other_same.sh
@sh ! nsenter -t $pid_m -n ping -c 3 -i 0.2 -W 1 10.1.0.1
@sh sh $work/dropped.sh 'ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 meta ipsec missing counter' 3
@sh ! nsenter -t $pid_m -n ping -c 3 -i 0.2 -W 1 10.1.0.2
@sh sh $work/seen.sh 1
@sh sh $work/dropped.sh 'ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24 counter packets' 3
configure terminal
ipsec tunnel B
 remote-subnet 10.3.0.0/24
commit
end
show ipsec tunnel B
@expect Firewall: installed in table inet ikesh, 12 rules
@sh nft list table inet ikesh | grep -q 'ip saddr 10.3.0.0/24 ip daddr 10.1.0.0/24 meta ipsec exists accept'
@sh [ "\$(nft list tables | grep -c 'table inet ikesh')" = 1 ]
@sh sh $work/other_same.sh
configure terminal
no ipsec tunnel B
commit
end
show firewall
@expect No tunnel has firewall-rule
@sh nft list tables; ! nft list table inet ikesh 2>/dev/null
@sh sh $work/other_same.sh
@sh nsenter -t $pid_m -n ping -c 1 -W 1 10.1.0.2; sh $work/seen.sh 2
EOF
python3 "$IKESH_DRIVE" steps -- "$IKESH_BIN" --state-dir "$work/state" --run-dir "$work/run" \
	>ikesh.out 2>&1
rc=$?
cat ikesh.out
[ $rc = 0 ] || fail "ikesh's steps"
echo "ok: firewall-rule: table inet ikesh installed, replaced and removed with the commits; the subnets in clear dropped at input and forward; table inet other untouched"
exit 0
