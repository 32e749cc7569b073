# charon reauthenticates break-before-make every ~20 s for two minutes (it
# deletes the IKE SA and at once initiates a new one) while ikesh's tunnel,
# start-mode auto, would initiate again after each Delete: afterwards both
# ends have exactly one IKE SA and one CHILD_SA, and traffic passes.
. "$IKESH_UML_LIB"
psk=interop-secret-3
work=$(pwd)

topology
in_ns hA ping -c 1 -W 2 10.2.0.2 >/dev/null || fail "no clear-text path hA -> hB"

mkdir -p sw
cat >sw/strongswan.conf <<EOF
charon {
  load_modular = yes
  install_routes = no
  retransmit_tries = 3
  make_before_break = no
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
    reauth_time = 20s
    rand_time = 2s
    over_time = 10s
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
ok "charon runs in gB, reauthenticating every ~20 s"

# settled.sh: within 20 s, charon has one IKE SA and one CHILD_SA (none
# being set up or deleted)
cat >settled.sh <<EOF
t=0
while :; do
	swanctl --list-sas $vici 2>/dev/null >$work/sw/sas.out
	i=\$(grep -c 'ESTABLISHED' $work/sw/sas.out)
	c=\$(grep -c 'INSTALLED' $work/sw/sas.out)
	all=\$(grep -cE '^[a-z0-9]+: #[0-9]+' $work/sw/sas.out)
	[ "\$i" = 1 ] && [ "\$c" = 1 ] && [ "\$all" = 1 ] && break
	t=\$((t + 1))
	[ \$t -gt 100 ] && { cat $work/sw/sas.out; echo "charon has \$all IKE SAs (\$i established) and \$c CHILD_SAs"; exit 1; }
	sleep 0.2
done
cat $work/sw/sas.out
exit 0
EOF
# reauths.sh N: charon reauthenticated at least N times
cat >reauths.sh <<EOF
n=\$(grep -c 'reauthenticating IKE_SA' $work/sw/charon.log)
echo "charon reauthenticated \$n times"
[ \$n -ge \$1 ] || exit 1
EOF

cat >steps <<EOF
configure terminal
crypto ikev2 policy 1
 encryption aes256-gcm
 prf sha256
 group 31
crypto ipsec policy P
 encryption aes256-gcm
ipsec tunnel SW
 ike-policy 1
 ipsec-policy P
 local-address 192.0.2.1
 remote-address 192.0.2.2
 authentication pre-share key $psk
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 start-mode auto
commit
@reject %
end
@until 30 State: UP-ACTIVE :: show ipsec tunnel SW
@sh ip netns exec hA ping -c 600 -i 0.2 -W 1 10.2.0.2 | tail -n 2
@sh sh $work/reauths.sh 4
@sh sh $work/settled.sh
@until 20 ^active +: 1$ :: show crypto ikev2 stats
@until 20 State: UP-ACTIVE :: show ipsec tunnel SW
show crypto ikev2 stats
@expect ^active +: 1$
@expect ^negotiating +: 0$
show crypto ipsec sa
@expect Status: ACTIVE
@reject (?ms)(^ +spi: 0x.*){3}
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
EOF
in_ns gA python3 "$IKESH_DRIVE" steps -- "$IKESH_BIN" --state-dir "$work/state" --run-dir "$work/run" \
	>ikesh.out 2>&1
rc=$?
cat ikesh.out
if [ $rc != 0 ]; then
	echo "---- charon.log"
	tail -n 150 sw/charon.log
	sw_stop
	fail "charon reauthenticating break-before-make"
fi
ok "two minutes of charon's break-before-make reauthentication: one IKE SA and one CHILD_SA on both ends"
sw_stop
sleep 0.2
exit 0
