# gre-tunnel, ikesh against ikesh: both gateways make a GRE interface
# gre-ike (key 7) between 192.0.2.1 and 192.0.2.2 and protect only GRE
# between them, in transport mode.  Addresses on the GRE interfaces
# (172.16.0.1/30, .2/30), then a ping over GRE: it passes, each GRE packet
# went through ESP (the SAs counted them), and a capture on gB's wan sees
# ESP and not one plain GRE packet.  Removing the tunnel deletes gA's
# interface.
. "$IKESH_UML_LIB"
work=$(pwd)
modprobe=$(cat /proc/sys/kernel/modprobe)
"$modprobe" -a gre ip_gre >/dev/null 2>&1

topology

# cap.py: counts IP protocol 47 and 50 frames on gB's wan until $work/cap.stop
cat >cap.py <<EOF
import os, select, socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("wan", 0))
s.setblocking(False)
open("$work/cap.ready", "w").close()
n = {47: 0, 50: 0}
while not os.path.exists("$work/cap.stop"):
    r, _, _ = select.select([s], [], [], 0.1)
    while r:
        try:
            f = s.recv(65535)
        except BlockingIOError:
            break
        # an Ethernet frame: the IP header's protocol at 14 + 9
        if len(f) >= 34 and f[12:14] == b"\x08\x00" and f[23] in n:
            n[f[23]] += 1
print("gre", n[47], "esp", n[50])
EOF
in_ns gB python3 cap.py >cap.out 2>&1 &
pid_cap=$!
until [ -e cap.ready ]; do kill -0 $pid_cap 2>/dev/null || { cat cap.out; fail "capture"; }; sleep 0.05; done

conf() { # NAME LOCAL REMOTE START
	cat <<EOF
configure terminal
crypto ipsec policy P
 encryption aes256-gcm
ipsec tunnel $1
 ipsec-policy P
 local-address $2
 remote-address $3
 authentication pre-share key gre-test-key
 start-mode $4
 gre-tunnel gre-ike key 7
commit
@reject %
end
EOF
}
cat >await.sh <<EOF
t=0
until [ -e "$work/\$1" ]; do
	t=\$((t + 1))
	[ \$t -gt \$((\${2:-60} * 10)) ] && { echo "no \$1 after \${2:-60} s"; exit 1; }
	sleep 0.1
done
EOF
{
	conf A 192.0.2.2 192.0.2.1 responder-only
	echo "@sh ip addr add 172.16.0.2/30 dev gre-ike && ip -d link show gre-ike"
	echo "@sh touch $work/b.ready"
	echo "@sh sh $work/await.sh a.done 100"
} >steps.b
{
	echo "@sh sh $work/await.sh b.ready"
	conf B 192.0.2.1 192.0.2.2 auto
	cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel B
@sh ip -d link show gre-ike | grep -q 'gre remote 192.0.2.2 local 192.0.2.1.*ikey 0.0.0.7 okey 0.0.0.7'
@sh ip addr add 172.16.0.1/30 dev gre-ike
show crypto ipsec sa
@expect #pkts encaps: 0,
@sh ip xfrm policy | grep -A2 'proto gre'; ip xfrm state | grep -q 'mode transport'
@sh ping -c 5 -i 0.2 -W 2 172.16.0.2
show crypto ipsec sa
@expect #pkts encaps: 5,
@expect #pkts decaps: 5,
@sh touch $work/cap.stop; while kill -0 $pid_cap 2>/dev/null; do sleep 0.05; done; cat $work/cap.out; grep -q '^gre 0 esp [1-9]' $work/cap.out
configure terminal
no ipsec tunnel B
commit
end
@sh ! ip link show gre-ike 2>/dev/null
@sh touch $work/a.done
EOF
} >steps.a
in_ns gB python3 "$IKESH_DRIVE" steps.b -- "$IKESH_BIN" --state-dir "$work/state.b" \
	--run-dir "$work/run.b" >ikesh.b.out 2>&1 &
pid_b=$!
in_ns gA python3 "$IKESH_DRIVE" steps.a -- "$IKESH_BIN" --state-dir "$work/state.a" \
	--run-dir "$work/run.a" >ikesh.a.out 2>&1
rc_a=$?
touch a.done cap.stop
wait $pid_b
rc_b=$?
wait $pid_cap
echo "---- gA"
cat ikesh.a.out
echo "---- gB"
cat ikesh.b.out
[ $rc_a = 0 ] || fail "gA's ikesh"
[ $rc_b = 0 ] || fail "gB's ikesh"
ok "gre-tunnel: GRE interfaces made, a ping over GRE went through ESP in transport mode, no plain GRE on the wire, the interface removed with the tunnel"
exit 0
