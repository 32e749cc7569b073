# ikesh (gA) against strongSwan's charon (gB): IKEv2 with a pre-shared key,
# a tunnel-mode CHILD_SA between 10.1.0.0/24 and 10.2.0.0/24, ping between
# the protected hosts through ESP, and the counters ikesh shows.
#
# SCENARIO_INIT      ikesh | strongswan: who initiates
# SCENARIO_SW_IKE    charon's IKE proposal  (aes256gcm16-prfsha256-x25519);
#                    default: no `proposals` line, charon's built-in default
# SCENARIO_SW_ESP    charon's ESP proposal  (aes256gcm16); default: no
#                    `esp_proposals` line
# SCENARIO_IKE       ikesh `crypto ikev2 policy 1` lines, ','-separated
# SCENARIO_IPSEC     ikesh `crypto ipsec policy P` lines, ','-separated
# SCENARIO_PSK_SW    charon's key (default: the same as ikesh's): a mismatch test
# SCENARIO_EXPECT    up | REGEX: the tunnel comes up, or `show ipsec tunnel`
#                    shows REGEX as the reason it is down
# SCENARIO_SW_TS     charon's local_ts (10.2.0.0/24), ','-separated; when
#                    SCENARIO_EXPECT is a refusal, both sides must still
#                    have the IKE SA afterwards (RFC 7296 §2.21.2)
# SCENARIO_MODE      basic (default) | rekey-sw | rekey-ikesh | dpd | natt
#                    (natt: ikesh forces UDP encapsulation, so charon sees it
#                    behind a NAT and ikesh sends NAT-T keepalives; frag:
#                    IKE fragmentation on both sides with 200-byte
#                    fragments, so IKE_AUTH goes in fragments both ways)
#   rekey-sw     charon rekeys the CHILD_SA every ~8 s and the IKE SA every
#                ~15 s while hA pings hB for 30 s
#   rekey-ikesh  ikesh's IKE and CHILD lifetimes are 120 s: ikesh rekeys both
#                at 85-90 % while hA pings hB for 115 s
#   dpd          charon is killed: DPD (interval 2, timeout 10) notices it,
#                and `dpd action restart` brings the tunnel back once charon
#                runs again
. "$IKESH_UML_LIB"
init=${SCENARIO_INIT:-ikesh}
sw_ike=${SCENARIO_SW_IKE:-aes256gcm16-prfsha256-x25519}
sw_esp=${SCENARIO_SW_ESP:-aes256gcm16}
ike=${SCENARIO_IKE:-encryption aes256-gcm,prf sha256,group 31}
ipsec=${SCENARIO_IPSEC:-encryption aes256-gcm}
psk=interop-secret-1
psk_sw=${SCENARIO_PSK_SW:-$psk}
expect=${SCENARIO_EXPECT:-up}
mode=${SCENARIO_MODE:-basic}
sw_ts=${SCENARIO_SW_TS:-10.2.0.0/24}
work=$(pwd)

sw_conn_extra=
sw_child_extra=
sw_charon_extra=
sw_ike_line="proposals = $sw_ike"
[ "$sw_ike" = default ] && sw_ike_line="# proposals: charon's default"
sw_esp_line="esp_proposals = $sw_esp"
[ "$sw_esp" = default ] && sw_esp_line="# esp_proposals: charon's default"
tun_extra=
case $mode in
basic | dpd) ;;
natt) tun_extra=" nat-traversal force" ;;
frag)
	tun_extra=" fragmentation mtu 200"
	sw_conn_extra="fragmentation = yes"
	sw_charon_extra="fragment_size = 200"
	;;
rekey-sw)
	sw_conn_extra="rekey_time = 15s
    over_time = 10s
    rand_time = 2s"
	sw_child_extra="rekey_time = 8s
        life_time = 20s
        rand_time = 1s"
	;;
rekey-ikesh)
	ike="$ike,lifetime 120"
	tun_extra=" sa-lifetime 120"
	;;
*) fail "unknown SCENARIO_MODE $mode" ;;
esac
[ "$mode" = dpd ] && tun_extra=" dpd interval 2 timeout 10 action restart"

topology
in_ns hA ping -c 1 -W 2 10.2.0.2 >/dev/null || fail "no clear-text path hA -> hB"

# ---- strongSwan in gB, with its own /run, configuration and vici socket
mkdir -p sw
cat >sw/strongswan.conf <<EOF
charon {
  load_modular = yes
  install_routes = no
  retransmit_tries = 3
  $sw_charon_extra
  filelog { log { path = $work/sw/charon.log
                  flush_line = yes
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
    $sw_ike_line
    $sw_conn_extra
    local { auth = psk
            id = 192.0.2.2 }
    remote { auth = psk
             id = 192.0.2.1 }
    children {
      net {
        local_ts = $sw_ts
        remote_ts = 10.1.0.0/24
        $sw_esp_line
        start_action = $sw_start
        $sw_child_extra
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
vici="--uri unix://$work/sw/charon.vici"
# sw/start.sh starts charon in gB (its pid in sw/charon.pid), waits until it
# answers and loads the configuration; the dpd mode runs it a second time.
cat >sw/start.sh <<EOF
rm -f $work/sw/charon.vici
ip netns exec gB unshare -m sh -c "mount -t tmpfs none /run && STRONGSWAN_CONF=$work/sw/strongswan.conf exec /usr/lib/ipsec/charon" \\
	>>$work/sw/charon.out 2>&1 </dev/null &
echo \$! >$work/sw/charon.pid
t=0
until swanctl --stats $vici >/dev/null 2>&1; do
	t=\$((t + 1))
	[ \$t -gt 100 ] && { cat $work/sw/charon.out; echo "charon did not start"; exit 1; }
	sleep 0.1
done
swanctl --load-all $vici --file $work/sw/swanctl.conf >$work/sw/load.out 2>&1 ||
	{ cat $work/sw/load.out; echo "swanctl --load-all failed"; exit 1; }
exit 0
EOF
# sw/kill.sh: charon dies without a word to its peer
cat >sw/kill.sh <<EOF
kill -9 \$(cat $work/sw/charon.pid) && rm -f $work/sw/charon.pid
date +%s >$work/sw/killed.at
EOF
sw_stop() {
	[ -f sw/charon.pid ] && kill "$(cat sw/charon.pid)" 2>/dev/null
	rm -f sw/charon.pid
}
sh sw/start.sh || fail "charon in gB"
ok "charon runs in gB"

# check_ping.sh N MAXLOSS: ping -c N from hA to hB every 0.2 s, at most
# MAXLOSS replies missing; the number received goes to ping.received
cat >check_ping.sh <<EOF
ip netns exec hA ping -c \$1 -i 0.2 -W 1 10.2.0.2 >$work/ping.out 2>&1
r=\$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $work/ping.out)
tail -n 3 $work/ping.out
[ -n "\$r" ] || { echo "no ping summary"; exit 1; }
echo \$r >$work/ping.received
[ \$((\$1 - r)) -le \$2 ] || { echo "\$((\$1 - r)) of \$1 pings lost (at most \$2 allowed)"; exit 1; }
exit 0
EOF
# check_total.sh IN OUT: the tunnel's totals since commit cover every echo
# request that went out and every reply that came back, across all SAs
cat >check_total.sh <<EOF
r=\$(cat $work/ping.received)
echo "tunnel totals: in \$1, out \$2; replies received by hA: \$r"
[ "\$1" -ge "\$r" ] && [ "\$2" -ge "\$r" ] || { echo "totals lost packets across rekeys"; exit 1; }
[ "\$1" -le "\$2" ] || { echo "more replies than requests"; exit 1; }
exit 0
EOF

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
$tun_extra
commit
@reject %
end
EOF
	if [ "$init" = strongswan ]; then
		echo "@sh swanctl --initiate --child net $vici --timeout 20 >$work/sw/initiate.out 2>&1 || true"
	fi
	if [ "$expect" != up ]; then
		cat <<EOF
@until 40 $expect :: show ipsec tunnel SW
EOF
		[ "$sw_ts" != 10.2.0.0/24 ] && cat <<EOF
@expect State: UP-NO-IPSEC
show crypto ikev2 sa
@expect READY
@sh sh $work/sw/check_ike_kept.sh
EOF
	elif [ "$mode" = basic ]; then
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
		# charon's KE is curve25519, which ikesh does not take here
		[ "$sw_ike" = default ] && cat <<EOF
show crypto ikev2 stats
@expect ^INVALID_KE_PAYLOAD sent +: 1$
@expect ^NO_PROPOSAL_CHOSEN sent +: 0$
@expect ^Messages dropped \(invalid\) +: 0$
EOF
	elif [ "$mode" = rekey-sw ] || [ "$mode" = rekey-ikesh ]; then
		n=150
		[ "$mode" = rekey-ikesh ] && n=575
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel SW
show crypto ipsec sa
@save SPI0 current outbound spi: (0x[0-9A-F]+)
@sh sh $work/check_ping.sh $n 1
show crypto ikev2 stats
@expect ^IKE SAs rekeyed +: [1-9]
@expect ^CHILD SAs rekeyed +: [1-9]
@expect ^IKE SAs established +: 1$
@expect ^active +: 1$
show crypto ipsec sa
@reject current outbound spi: {SPI0}
@expect Status: ACTIVE
show ipsec tunnel SW
@expect State: UP-ACTIVE
@save IN Traffic since commit: in ([0-9]+) packets
@save OUT Traffic since commit: in [0-9]+ packets \([0-9]+ bytes\), out ([0-9]+) packets
@sh sh $work/check_total.sh {IN} {OUT}
@sh ip netns exec hA ping -c 3 -i 0.2 -W 2 10.2.0.2
show ipsec tunnel SW
@save IN2 Traffic since commit: in ([0-9]+) packets
@sh [ {IN2} -ge \$(({IN} + 3)) ] || { echo "totals did not rise after the rekeys"; exit 1; }
@sh sh $work/sw/check_rekeys.sh
EOF
	elif [ "$mode" = frag ]; then
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel SW
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
show crypto ipsec sa
@expect #pkts encaps: 5,
@expect #pkts decaps: 5,
show crypto ikev2 stats
@expect ^Messages dropped \(invalid\) +: 0$
@sh sh $work/sw/check_frags.sh
EOF
	elif [ "$mode" = natt ]; then
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel SW
show crypto ikev2 sa detail
@expect NAT-T is detected inside
@expect 192\.0\.2\.2/4500
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
show crypto ipsec sa
@expect #pkts decaps: 5,
@sh ip netns exec gB python3 $work/sw/sniff.py 26 >$work/sw/sniff.out
@sh cat $work/sw/sniff.out
@sh sh $work/sw/check_keepalives.sh
EOF
	else # dpd
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel SW
show crypto ikev2 sa detail
@expect DPD configured for 2 seconds
@sh ip netns exec hA ping -c 3 -i 0.2 -W 2 10.2.0.2
@sh sh $work/sw/kill.sh
@until 16 Reason: .*DPD.*no reply :: show ipsec tunnel SW
@sh echo "DPD noticed \$((\$(date +%s) - \$(cat $work/sw/killed.at))) s after charon died"
@reject State: UP
@sh sh $work/sw/start.sh
@until 45 State: UP-ACTIVE :: show ipsec tunnel SW
@sh echo "tunnel back \$((\$(date +%s) - \$(cat $work/sw/killed.at))) s after charon died"
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
show crypto ikev2 stats
@expect ^IKE SAs established +: 2$
@expect ^active +: 1$
EOF
	fi
} >steps

# sw/sniff.py SECONDS: what reaches charon's NAT-T port from ikesh on gB's
# wan, counted by payload: keepalives as RFC 3948 2.3 has them (one 0xFF
# octet), ESP, IKE (after the non-ESP marker) and anything else
cat >sw/sniff.py <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("wan", 0))
s.settimeout(0.5)
end = time.time() + float(sys.argv[1])
n = {"keepalive": 0, "esp": 0, "ike": 0, "other": 0}
while time.time() < end:
    try:
        f = s.recv(65535)
    except socket.timeout:
        continue
    if len(f) < 14 + 20 + 8 or f[12:14] != b"\x08\x00" or f[14 + 9] != 17:
        continue
    ip = f[14:]
    if ip[16:20] != bytes([192, 0, 2, 2]):
        continue
    udp = ip[(ip[0] & 15) * 4:]
    if int.from_bytes(udp[2:4], "big") != 4500:
        continue
    p = udp[8:int.from_bytes(udp[4:6], "big")]
    if p == b"\xff":
        n["keepalive"] += 1
    elif len(p) > 8 and p[:4] != bytes(4):
        n["esp"] += 1
    elif len(p) >= 4 + 28 and p[:4] == bytes(4):
        n["ike"] += 1
    else:
        n["other"] += 1
        print("unexpected datagram to 4500:", p.hex())
print(" ".join("%s %d" % kv for kv in n.items()))
EOF
# charon's side of the keepalives: at least one seen on the wire, nothing
# else odd, and charon's log without a complaint about an IKE header (the
# byte count is what tells: charon 5.9 takes the old 00 00 00 00 ff in
# silence at these log levels, and this check fails on it)
cat >sw/check_keepalives.sh <<EOF
grep -Eq 'keepalive [1-9]' $work/sw/sniff.out || { echo "no NAT-T keepalive reached charon"; exit 1; }
grep -q 'other 0' $work/sw/sniff.out || { echo "odd datagrams reached charon's NAT-T port"; exit 1; }
if grep -Ei 'invalid|header.*fail|fail.*header|parsing .* failed' $work/sw/charon.log; then
	echo "charon complained about what it received"
	exit 1
fi
exit 0
EOF

# charon's view of the fragments: ours reassembled there, its IKE_AUTH
# response split (that ikesh put it together, the tunnel coming up shows)
cat >sw/check_frags.sh <<EOF
grep -E 'fragment|IKE_AUTH (request|response)' $work/sw/charon.log | head -n 12
grep -q 'reassembled fragmented IKE message' $work/sw/charon.log ||
	{ echo "charon reassembled no fragmented message of ours"; exit 1; }
grep -q 'splitting IKE message' $work/sw/charon.log ||
	{ echo "charon sent no fragments"; exit 1; }
exit 0
EOF

# charon's view after a CHILD_SA refusal: the IKE SA stays, no CHILD_SA
cat >sw/check_ike_kept.sh <<EOF
swanctl --list-sas $vici 2>/dev/null >$work/sw/sas.out
cat $work/sw/sas.out
grep -q 'ESTABLISHED' $work/sw/sas.out || { echo "charon dropped the IKE SA"; exit 1; }
! grep -q 'INSTALLED' $work/sw/sas.out || { echo "charon has a CHILD_SA"; exit 1; }
grep -E 'failed to establish CHILD_SA, keeping IKE_SA|TS_UNACCEPTABLE' $work/sw/charon.log | head -n 3
EOF
# charon's view while the tunnel is up: 5 echo requests in, 5 replies out
cat >sw/check_sas.sh <<EOF
swanctl --list-sas $vici 2>/dev/null >$work/sw/sas.out
cat $work/sw/sas.out
grep -Eq '^ +in +[0-9a-f]+.* 5 packets' $work/sw/sas.out || { echo "charon's inbound SA did not count 5 packets"; exit 1; }
grep -Eq '^ +out +[0-9a-f]+.* 5 packets' $work/sw/sas.out || { echo "charon's outbound SA did not count 5 packets"; exit 1; }
EOF
# charon's view after the rekeys: one IKE SA, one CHILD_SA, and its log
# shows both kinds of rekey done
cat >sw/check_rekeys.sh <<EOF
swanctl --list-sas $vici 2>/dev/null >$work/sw/sas.out
cat $work/sw/sas.out
[ \$(grep -c 'ESTABLISHED' $work/sw/sas.out) = 1 ] || { echo "charon does not have exactly one IKE SA"; exit 1; }
[ \$(grep -c 'INSTALLED' $work/sw/sas.out) = 1 ] || { echo "charon does not have exactly one CHILD_SA"; exit 1; }
grep -E 'IKE_SA .* rekeyed' $work/sw/charon.log | head -n 3
grep -Eq 'IKE_SA .* rekeyed' $work/sw/charon.log || { echo "charon logged no IKE rekey"; exit 1; }
grep -E 'CREATE_CHILD_SA request [0-9]+ \\[ N\\(REKEY_SA\\)' $work/sw/charon.log | head -n 3
grep -Eq 'CREATE_CHILD_SA request [0-9]+ \\[ N\\(REKEY_SA\\)' $work/sw/charon.log || { echo "charon logged no CHILD_SA rekey"; exit 1; }
EOF
in_ns gA python3 "$IKESH_DRIVE" steps -- "$IKESH_BIN" --state-dir "$work/state" --run-dir "$work/run" \
	>ikesh.out 2>&1
rc=$?
cat ikesh.out
if [ $rc != 0 ]; then
	echo "---- charon.log"
	tail -n 80 sw/charon.log
	sw_stop
	fail "ikesh against strongSwan ($mode, $init initiates, $sw_ike / $sw_esp)"
fi
case $mode in
basic)
	if [ "$expect" = up ]; then
		if [ "$sw_ike" = default ]; then
			# what charon offered (it logs its proposals when it selects)
			grep -m 1 'configured proposals: IKE' sw/charon.log
			grep -m 1 'selected proposal: IKE' sw/charon.log
		fi
		ok "ikesh and strongSwan: tunnel up, 5 pings through ESP ($init initiates, $sw_ike / $sw_esp)"
	else
		ok "ikesh shows why the tunnel is down: /$expect/"
		[ "$sw_ts" != 10.2.0.0/24 ] && ok "both ikesh and charon kept the IKE SA"
	fi
	;;
rekey-sw) ok "charon rekeyed the CHILD_SA and the IKE SA during a ping, at most one packet lost" ;;
rekey-ikesh) ok "ikesh rekeyed the CHILD_SA and the IKE SA during a ping, at most one packet lost" ;;
dpd) ok "DPD noticed charon gone; the tunnel came back when charon returned" ;;
natt) ok "NAT-T forced: ESP in UDP, keepalives of one 0xFF octet, none refused by charon" ;;
frag) ok "IKE fragmentation with charon: IKE_AUTH in fragments both ways, 5 pings through ESP" ;;
esac
sw_stop
sleep 0.2
exit 0
