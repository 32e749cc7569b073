# Two ikesh tunnels to one charon: ikesh's T1 protects 10.1.0.0/25 <->
# 10.2.0.0/25, T2 10.1.0.128/25 <-> 10.2.0.128/25, each with its own IKE
# SA. T1 is cleared and established again while a ping keeps going through
# T2: T2 loses nothing, its IKE SA and CHILD_SA stay (no INITIAL_CONTACT on
# the second contact, RFC 7296 §3.16), and charon ends with two IKE SAs.
#
# SCENARIO_SW_CONNS  2 (default): two charon connections, one child each;
#                    T2 claims the identity t2.ikesh.test (charon chooses a
#                    connection by identities), so each tunnel is a first
#                    contact for its own identity
#                    1: one connection with both children, one identity:
#                    only the very first IKE_AUTH carries INITIAL_CONTACT
. "$IKESH_UML_LIB"
conns=${SCENARIO_SW_CONNS:-2}
psk=interop-secret-2
work=$(pwd)

topology
# a second host address on each side, in the upper /25
ip -n hA addr add 10.1.0.130/24 dev eth0 || fail "hA: second address"
ip -n hB addr add 10.2.0.130/24 dev eth0 || fail "hB: second address"
in_ns hA ping -c 1 -W 2 -I 10.1.0.130 10.2.0.130 >/dev/null || fail "no clear-text path hA -> hB"

mkdir -p sw
cat >sw/strongswan.conf <<EOF
charon {
  load_modular = yes
  install_routes = no
  retransmit_tries = 3
  filelog { log { path = $work/sw/charon.log
                  default = 1
                  ike = 2
                  cfg = 2 } }
  plugins {
    include /etc/strongswan.d/charon/*.conf
    vici { socket = unix://$work/sw/charon.vici }
  }
}
EOF
child() { # NAME LOCAL_TS REMOTE_TS
	cat <<EOF
      $1 {
        local_ts = $2
        remote_ts = $3
        esp_proposals = aes256gcm16
        start_action = none
      }
EOF
}
conn_head() { # NAME PEER_ID
	cat <<EOF
  $1 {
    version = 2
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha256-x25519
    local { auth = psk
            id = 192.0.2.2 }
    remote { auth = psk
             id = $2 }
    children {
EOF
}
{
	echo "connections {"
	if [ "$conns" = 1 ]; then
		conn_head ikesh 192.0.2.1
		child net1 10.2.0.0/25 10.1.0.0/25
		child net2 10.2.0.128/25 10.1.0.128/25
		echo "    }"
		echo "  }"
	else
		conn_head ikesh1 192.0.2.1
		child net1 10.2.0.0/25 10.1.0.0/25
		echo "    }"
		echo "  }"
		conn_head ikesh2 t2.ikesh.test
		child net2 10.2.0.128/25 10.1.0.128/25
		echo "    }"
		echo "  }"
	fi
	cat <<EOF
}
secrets {
  ike-1 {
    id-1 = 192.0.2.1
    id-2 = 192.0.2.2
    id-3 = t2.ikesh.test
    secret = "$psk"
  }
}
EOF
} >sw/swanctl.conf
vici="--uri unix://$work/sw/charon.vici"
rm -f sw/charon.vici
ip netns exec gB unshare -m sh -c "mount -t tmpfs none /run && STRONGSWAN_CONF=$work/sw/strongswan.conf exec /usr/lib/ipsec/charon" \
	>>sw/charon.out 2>&1 </dev/null &
echo $! >sw/charon.pid
t=0
until swanctl --stats $vici >/dev/null 2>&1; do
	t=$((t + 1))
	[ $t -gt 100 ] && { cat sw/charon.out; fail "charon did not start"; }
	sleep 0.1
done
swanctl --load-all $vici --file sw/swanctl.conf >sw/load.out 2>&1 ||
	{ cat sw/load.out; fail "swanctl --load-all"; }
sw_stop() {
	[ -f sw/charon.pid ] && kill "$(cat sw/charon.pid)" 2>/dev/null
	rm -f sw/charon.pid
}
ok "charon runs in gB ($conns connection(s))"

# check_sw.sh IKE CHILD: charon has that many IKE SAs and CHILD_SAs
cat >check_sw.sh <<EOF
swanctl --list-sas $vici 2>/dev/null >$work/sw/sas.out
cat $work/sw/sas.out
i=\$(grep -c 'ESTABLISHED' $work/sw/sas.out)
c=\$(grep -c 'INSTALLED' $work/sw/sas.out)
[ "\$i" = \$1 ] && [ "\$c" = \$2 ] || { echo "charon has \$i IKE SAs and \$c CHILD_SAs, not \$1 and \$2"; exit 1; }
exit 0
EOF
# ping2.sh N: a ping through T2 in the background, its summary in ping2.out
cat >ping2.sh <<EOF
ip netns exec hA ping -c \$1 -i 0.2 -W 1 -I 10.1.0.130 10.2.0.130 >$work/ping2.out 2>&1 &
echo \$! >$work/ping2.pid
EOF
# ping2_done.sh MAXLOSS: wait for it; at most MAXLOSS replies missing
cat >ping2_done.sh <<EOF
while kill -0 \$(cat $work/ping2.pid) 2>/dev/null; do sleep 0.2; done
tail -n 3 $work/ping2.out
r=\$(sed -n 's/\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' $work/ping2.out)
[ -n "\$r" ] || { echo "no ping summary"; exit 1; }
set -- \$r \$1
[ \$((\$1 - \$2)) -le \$3 ] || { echo "\$((\$1 - \$2)) of \$1 pings through T2 lost"; exit 1; }
exit 0
EOF

# one identity: T1 is not a first contact when it comes back (T2 is up)
ic_check=
[ "$conns" = 1 ] && ic_check="@sh [ \$(grep -c 'N(INIT_CONTACT)' $work/sw/charon.log) = 1 ] || { echo 'INITIAL_CONTACT sent again'; exit 1; }"
tunnel() { # NAME LOCAL REMOTE [LOCAL_ID]
	cat <<EOF
ipsec tunnel $1
 ike-policy 1
 ipsec-policy P
 local-address 192.0.2.1
 remote-address 192.0.2.2
 authentication pre-share key $psk
 local-subnet $2
 remote-subnet $3
 start-mode auto
EOF
	if [ -n "${4:-}" ]; then echo " local-id fqdn $4"; fi
}
{
	echo "configure terminal"
	echo "crypto ikev2 policy 1"
	echo " encryption aes256-gcm"
	echo " prf sha256"
	echo " group 31"
	echo "crypto ipsec policy P"
	echo " encryption aes256-gcm"
	tunnel T1 10.1.0.0/25 10.2.0.0/25
	if [ "$conns" = 1 ]; then
		tunnel T2 10.1.0.128/25 10.2.0.128/25
	else
		tunnel T2 10.1.0.128/25 10.2.0.128/25 t2.ikesh.test
	fi
	cat <<EOF
commit
@reject %
end
@until 30 State: UP-ACTIVE :: show ipsec tunnel T1
@until 30 State: UP-ACTIVE :: show ipsec tunnel T2
@sh ip netns exec hA ping -c 3 -i 0.2 -W 2 10.2.0.2
@sh ip netns exec hA ping -c 3 -i 0.2 -W 2 -I 10.1.0.130 10.2.0.130
@sh sh $work/check_sw.sh 2 2
show crypto ikev2 stats
@expect ^active +: 2$
show crypto ipsec sa tunnel T2
@save SPI2 current outbound spi: (0x[0-9A-F]+)
@sh grep -c 'N(INIT_CONTACT)' $work/sw/charon.log >$work/ic.before
@sh [ \$(cat $work/ic.before) = $conns ] || { echo "INITIAL_CONTACT sent \$(cat $work/ic.before) times for $conns identities"; exit 1; }
@sh sh $work/ping2.sh 50
clear crypto ikev2 sa tunnel T1
@until 10 State: DOWN :: show ipsec tunnel T1
@until 30 State: UP-ACTIVE :: show ipsec tunnel T1
@sh ip netns exec hA ping -c 3 -i 0.2 -W 2 10.2.0.2
@sh sh $work/ping2_done.sh 0
show ipsec tunnel T2
@expect State: UP-ACTIVE
show crypto ipsec sa tunnel T2
@expect current outbound spi: {SPI2}
@sh sh $work/check_sw.sh 2 2
$ic_check
show crypto ikev2 stats
@expect ^active +: 2$
EOF
} >steps
in_ns gA python3 "$IKESH_DRIVE" steps -- "$IKESH_BIN" --state-dir "$work/state" --run-dir "$work/run" \
	>ikesh.out 2>&1
rc=$?
cat ikesh.out
if [ $rc != 0 ]; then
	echo "---- charon.log"
	tail -n 120 sw/charon.log
	sw_stop
	fail "two ikesh tunnels to one charon ($conns connection(s))"
fi
ok "T1 cleared and back while T2 kept passing traffic ($conns charon connection(s))"
sw_stop
sleep 0.2
exit 0
