# icmp-detect against strongSwan: ikesh (gA) initiates one tunnel to
# charon (gB), 10.1.0.0/24 <-> 10.2.0.0/24, with a watchdog pinging hB
# (10.2.0.2, reachable only through the tunnel) from gA's 10.1.0.1 every
# 2 s, timeout 1 s, 3 retries.  While hB answers, nothing is restarted;
# once hB stops answering (icmp_echo_ignore_all: the UML kernel's
# nf_tables has no inet, ip or ip6 family to block it with), ikesh
# restarts the CHILD_SA within interval x retries + timeout = 7 s, plus a
# margin of 5 s for the ticks and IKE; when hB answers again the tunnel is
# up with new SAs and hA's traffic passes.
. "$IKESH_UML_LIB"
psk=interop-secret-icmp
work=$(pwd)

topology
in_ns hA ping -c 1 -W 2 10.2.0.2 >/dev/null || fail "no clear-text path hA -> hB"

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
cat >sw/swanctl.conf <<EOF
connections {
  ikesh {
    version = 2
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha256-x25519
    local { auth = psk
            id = 192.0.2.2 }
    remote { auth = psk
             id = 192.0.2.1 }
    children {
      net {
        local_ts = 10.2.0.0/24
        remote_ts = 10.1.0.0/24
        esp_proposals = aes256gcm16
        start_action = none
      }
    }
  }
}
secrets {
  ike-1 {
    id-1 = 192.0.2.1
    id-2 = 192.0.2.2
    secret = "$psk"
  }
}
EOF
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
ok "charon runs in gB"

# elapsed.sh MAX: seconds since hB fell silent, at most MAX
cat >elapsed.sh <<EOF
d=\$((\$(date +%s) - \$(cat $work/silent.at)))
echo "ICMP watchdog restarted the tunnel \$d s after hB stopped answering (at most \$1 s allowed)"
[ \$d -le \$1 ]
EOF

cat >steps <<EOF
configure terminal
crypto ikev2 policy 1
 encryption aes256-gcm
 prf sha256
 group 31
crypto ipsec policy P
 encryption aes256-gcm
ipsec tunnel T
 ike-policy 1
 ipsec-policy P
 local-address 192.0.2.1
 remote-address 192.0.2.2
 authentication pre-share key $psk
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 icmp-detect server 10.2.0.2 source 10.1.0.1 interval 2 timeout 1 retries 3
commit
@reject %
end
@until 30 State: UP-ACTIVE :: show ipsec tunnel T
@until 20 ICMP watchdog: answering; sent [3-9], answered [3-9], lost 0, restarts 0 :: show ipsec tunnel T
@reject Not in effect yet
@reject Last restart
@sh ip netns exec hA ping -c 3 -i 0.2 -W 2 10.2.0.2
show crypto ipsec sa
@save SPI0 current outbound spi: (0x[0-9A-F]+)
@sh ip netns exec hB sysctl -qw net.ipv4.icmp_echo_ignore_all=1; date +%s >$work/silent.at
@until 12 restarts 1 :: show ipsec tunnel T
@sh sh $work/elapsed.sh 12
@expect Last restart: ICMP watchdog: 10.2.0.2 did not answer 3 pings from 10.1.0.1; tunnel restarted [0-9:]+
@sh ip netns exec hB sysctl -qw net.ipv4.icmp_echo_ignore_all=0
@until 30 State: UP-ACTIVE :: show ipsec tunnel T
@until 20 ICMP watchdog: answering; .*restarts 1$ :: show ipsec tunnel T
show crypto ipsec sa
@reject current outbound spi: {SPI0}
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
@sh swanctl --list-sas $vici | grep -q INSTALLED
EOF
in_ns gA python3 "$IKESH_DRIVE" steps -- "$IKESH_BIN" --state-dir "$work/state" --run-dir "$work/run" \
	>ikesh.out 2>&1
rc=$?
cat ikesh.out
if [ $rc != 0 ]; then
	echo "---- charon.log"
	tail -n 80 sw/charon.log
	sw_stop
	fail "icmp-detect against charon"
fi
ok "icmp-detect: hB silent -> tunnel restarted in time; hB answering -> new SAs, traffic passes"
sw_stop
sleep 0.2
exit 0
