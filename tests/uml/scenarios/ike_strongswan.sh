# ikesh (gA) against strongSwan's charon (gB): IKEv2 with a pre-shared key,
# a tunnel-mode CHILD_SA between 10.1.0.0/24 and 10.2.0.0/24, ping between
# the protected hosts through ESP, and the counters ikesh shows.
#
# SCENARIO_INIT      ikesh | strongswan: who initiates
# SCENARIO_SW_IKE    charon's IKE proposal  (aes256gcm16-prfsha256-x25519)
# SCENARIO_SW_ESP    charon's ESP proposal  (aes256gcm16)
# SCENARIO_IKE       ikesh `crypto ikev2 policy 1` lines, ','-separated
# SCENARIO_IPSEC     ikesh `crypto ipsec policy P` lines, ','-separated
# SCENARIO_PSK_SW    charon's key (default: the same as ikesh's): a mismatch test
# SCENARIO_EXPECT    up | REGEX: the tunnel comes up, or `show ipsec tunnel`
#                    shows REGEX as the reason it is down
. "$IKESH_UML_LIB"
init=${SCENARIO_INIT:-ikesh}
sw_ike=${SCENARIO_SW_IKE:-aes256gcm16-prfsha256-x25519}
sw_esp=${SCENARIO_SW_ESP:-aes256gcm16}
ike=${SCENARIO_IKE:-encryption aes256-gcm,prf sha256,group 31}
ipsec=${SCENARIO_IPSEC:-encryption aes256-gcm}
psk=interop-secret-1
psk_sw=${SCENARIO_PSK_SW:-$psk}
expect=${SCENARIO_EXPECT:-up}
work=$(pwd)

topology
in_ns hA ping -c 1 -W 2 10.2.0.2 >/dev/null || fail "no clear-text path hA -> hB"

# ---- strongSwan in gB, with its own /run, configuration and vici socket
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
sw_start=none
cat >sw/swanctl.conf <<EOF
connections {
  ikesh {
    version = 2
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = $sw_ike
    local { auth = psk
            id = 192.0.2.2 }
    remote { auth = psk
             id = 192.0.2.1 }
    children {
      net {
        local_ts = 10.2.0.0/24
        remote_ts = 10.1.0.0/24
        esp_proposals = $sw_esp
        start_action = $sw_start
      }
    }
  }
}
secrets {
  ike-1 {
    id-1 = 192.0.2.1
    id-2 = 192.0.2.2
    secret = "$psk_sw"
  }
}
EOF
in_ns gB unshare -m sh -c "mount -t tmpfs none /run && STRONGSWAN_CONF=$work/sw/strongswan.conf exec /usr/lib/ipsec/charon" \
	>sw/charon.out 2>&1 &
sw_pid=$!
vici="--uri unix://$work/sw/charon.vici"
t=0
until swanctl --stats $vici >/dev/null 2>&1; do
	t=$((t + 1))
	[ $t -gt 100 ] && { cat sw/charon.out; fail "charon did not start"; }
	sleep 0.1
done
swanctl --load-all $vici --file "$work/sw/swanctl.conf" >sw/load.out 2>&1 ||
	{ cat sw/load.out; fail "swanctl --load-all"; }
ok "charon runs in gB"

# ---- ikesh in gA, configured as an operator would
start=auto
[ "$init" = strongswan ] && start=responder-only
{
	echo "configure terminal"
	echo "crypto ikev2 policy 1"
	echo "$ike" | tr ',' '\n'
	echo "crypto ipsec policy P"
	echo "$ipsec" | tr ',' '\n'
	cat <<EOF
ipsec tunnel SW
 ike-policy 1
 ipsec-policy P
 local-address 192.0.2.1
 remote-address 192.0.2.2
 authentication pre-share key $psk
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 start-mode $start
commit
@reject %
end
EOF
	if [ "$init" = strongswan ]; then
		echo "@sh swanctl --initiate --child net $vici --timeout 20 >$work/sw/initiate.out 2>&1 || true"
	fi
	if [ "$expect" = up ]; then
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel SW
show crypto ikev2 sa detail
@expect READY
show crypto ipsec sa
@expect #pkts encaps: 0,
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
show crypto ipsec sa
@expect #pkts encaps: 5,
@expect #pkts decaps: 5,
show crypto session detail
@expect UP-ACTIVE
@sh sh $work/sw/check_sas.sh
EOF
	else
		cat <<EOF
@until 40 $expect :: show ipsec tunnel SW
EOF
	fi
} >steps

# charon's view while the tunnel is up: 5 echo requests in, 5 replies out
cat >sw/check_sas.sh <<EOF
swanctl --list-sas $vici 2>/dev/null >$work/sw/sas.out
cat $work/sw/sas.out
grep -Eq '^ +in +[0-9a-f]+.* 5 packets' $work/sw/sas.out || { echo "charon's inbound SA did not count 5 packets"; exit 1; }
grep -Eq '^ +out +[0-9a-f]+.* 5 packets' $work/sw/sas.out || { echo "charon's outbound SA did not count 5 packets"; exit 1; }
EOF
in_ns gA python3 "$IKESH_DRIVE" steps -- "$IKESH_BIN" --state-dir "$work/state" --run-dir "$work/run" \
	>ikesh.out 2>&1
rc=$?
cat ikesh.out
if [ $rc != 0 ]; then
	echo "---- charon.log"
	tail -n 60 sw/charon.log
	kill $sw_pid 2>/dev/null
	fail "ikesh against strongSwan ($init initiates, $sw_ike / $sw_esp)"
fi
if [ "$expect" = up ]; then
	ok "ikesh and strongSwan: tunnel up, 5 pings through ESP ($init initiates, $sw_ike / $sw_esp)"
else
	ok "ikesh shows why the tunnel is down: /$expect/"
fi
kill $sw_pid 2>/dev/null
wait $sw_pid 2>/dev/null
exit 0
