# ikesh (gA, initiator) against ikesh (gB, responder-only): IKEv2 with a
# pre-shared key, a tunnel-mode CHILD_SA between 10.1.0.0/24 and
# 10.2.0.0/24, ping between the protected hosts through ESP, and what each
# side shows. Each ikesh runs on its own pty under ikesh_drive.py; the two
# step files meet through marker files in the work directory.
#
# SCENARIO_IKE_A, SCENARIO_IKE_B      `crypto ikev2 policy 1` lines, ','-separated
# SCENARIO_IPSEC_A, SCENARIO_IPSEC_B  `crypto ipsec policy P` lines
# SCENARIO_PSK_B     gB's key (default: the same as gA's): a mismatch test
# SCENARIO_EXPECT_A  up | REGEX: the tunnel comes up, or gA's
# SCENARIO_EXPECT_B  `show ipsec tunnel` shows REGEX as the reason it is down
#                    (default up; both must be up or both down)
# SCENARIO_MODE      basic (default) | rekey | dpd
#   rekey   gA's IKE and CHILD lifetimes are 120 s: gA rekeys both at
#           85-90 % while hA pings hB for 115 s; gB answers
#   dpd     gA has `dpd interval 2 timeout 10 action restart`; gB's ikesh is
#           killed: gA notices, and brings the tunnel back once gB's ikesh
#           runs again (from the running configuration it committed)
. "$IKESH_UML_LIB"
def_ike="encryption aes256-gcm,prf sha256,group 31"
ike_a=${SCENARIO_IKE_A:-$def_ike}
ike_b=${SCENARIO_IKE_B:-$ike_a}
ipsec_a=${SCENARIO_IPSEC_A:-encryption aes256-gcm}
ipsec_b=${SCENARIO_IPSEC_B:-$ipsec_a}
psk_a=ikesh-to-ikesh-1
psk_b=${SCENARIO_PSK_B:-$psk_a}
expect_a=${SCENARIO_EXPECT_A:-up}
expect_b=${SCENARIO_EXPECT_B:-up}
mode=${SCENARIO_MODE:-basic}
work=$(pwd)
extra_a=
case $mode in
basic) ;;
rekey)
	ike_a="$ike_a,lifetime 120"
	extra_a="sa-lifetime 120"
	;;
dpd) extra_a="dpd interval 2 timeout 10 action restart" ;;
*) fail "unknown SCENARIO_MODE $mode" ;;
esac

topology
in_ns hA ping -c 1 -W 2 10.2.0.2 >/dev/null || fail "no clear-text path hA -> hB"

# conf NAME IKE IPSEC LOCAL REMOTE PSK LSUB RSUB START [EXTRA]: an operator's lines
conf() {
	extra=${10:-}
	echo "configure terminal"
	echo "crypto ikev2 policy 1"
	echo "$2" | tr ',' '\n'
	echo "crypto ipsec policy P"
	echo "$3" | tr ',' '\n'
	cat <<EOF
ipsec tunnel $1
 ike-policy 1
 ipsec-policy P
 local-address $4
 remote-address $5
 authentication pre-share key $6
 local-subnet $7
 remote-subnet $8
 start-mode $9
 $extra
commit
@reject %
end
EOF
}

# await FILE [SECS]: a marker the other side leaves (at most 60 s)
cat >await.sh <<EOF
t=0
until [ -e "$work/\$1" ]; do
	t=\$((t + 1))
	[ \$t -gt \$((\${2:-60} * 10)) ] && { echo "no \$1 after \${2:-60} s"; exit 1; }
	sleep 0.1
done
EOF

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
# check_total.sh REQUESTS REPLIES: the tunnel's totals since commit cover
# every echo reply hA received, and its request, across all SAs
cat >check_total.sh <<EOF
r=\$(cat $work/ping.received)
echo "tunnel totals: requests \$1, replies \$2; replies received by hA: \$r"
[ "\$1" -ge "\$r" ] && [ "\$2" -ge "\$r" ] || { echo "totals lost packets across rekeys"; exit 1; }
exit 0
EOF

# counters: what `show crypto ipsec sa` and `show ipsec tunnel` say after
# 5 echo requests from hA and their 5 replies
counted() {
	cat <<EOF
show crypto ipsec sa
@expect #pkts encaps: 5,
@expect #pkts decaps: 5,
show ipsec tunnel $1
@expect Traffic since commit: in 5 packets \(420 bytes\), out 5 packets \(420 bytes\)
show crypto session detail
@expect UP-ACTIVE
show crypto ipsec sa | json
@expect "spi_in": [0-9]+,
@expect "inbound": \{\s+"packets": 5,\s+"bytes": 420,
@expect "outbound": \{\s+"packets": 5,\s+"bytes": 420,
show ipsec tunnel $1 | json
@expect "state": "UP-ACTIVE",
@expect "ike_sa": \{\s+"local_address": "[0-9.]+",
@expect "traffic_since_commit": \{\s+"in": \{\s+"packets": 5,
EOF
}

# rekeyed NAME: statistics and totals after the rekeys
rekeyed() {
	cat <<EOF
show crypto ikev2 stats
@expect ^IKE SAs rekeyed +: [1-9]
@expect ^CHILD SAs rekeyed +: [1-9]
@expect ^IKE SAs established +: 1$
@expect ^active +: 1$
show crypto ipsec sa
@reject current outbound spi: {SPI0}
show ipsec tunnel $1
@expect State: UP-ACTIVE
@save IN Traffic since commit: in ([0-9]+) packets
@save OUT Traffic since commit: in [0-9]+ packets \([0-9]+ bytes\), out ([0-9]+) packets
EOF
}

# ---- gB: the responder
{
	conf A "$ike_b" "$ipsec_b" 192.0.2.2 192.0.2.1 "$psk_b" 10.2.0.0/24 10.1.0.0/24 responder-only
	echo "@sh touch $work/b.ready"
	if [ "$mode" = rekey ]; then
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel A
show crypto ipsec sa
@save SPI0 current outbound spi: (0x[0-9A-F]+)
@sh sh $work/await.sh a.pinged 150
$(rekeyed A)
@sh sh $work/check_total.sh {IN} {OUT}
EOF
	elif [ "$mode" = dpd ]; then
		# the last step: gB's ikesh dies without a word to its peer
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel A
@sh sh $work/await.sh a.pinged
@sh date +%s >$work/b.killed.at; for p in \$(ps -o pid=,comm= --ppid \$PPID | awk '\$2 == "ikesh" { print \$1 }'); do kill -9 \$p; done
EOF
	elif [ "$expect_b" = up ]; then
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel A
show crypto ikev2 sa detail
@expect READY
@expect Initiator of SA : No
@sh sh $work/await.sh a.pinged
$(counted A)
EOF
	else
		echo "@until 40 $expect_b :: show ipsec tunnel A"
	fi
	[ "$mode" = dpd ] || echo "@sh touch $work/b.done"
} >steps.b
# gB's ikesh started again (dpd): its running configuration is still there
cat >steps.b2 <<EOF
show running-config
@expect ipsec tunnel A
@until 50 State: UP-ACTIVE :: show ipsec tunnel A
@sh sh $work/await.sh a.done
EOF

# ---- gA: the initiator
{
	echo "@sh sh $work/await.sh b.ready"
	conf B "$ike_a" "$ipsec_a" 192.0.2.1 192.0.2.2 "$psk_a" 10.1.0.0/24 10.2.0.0/24 auto "$extra_a"
	if [ "$mode" = rekey ]; then
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel B
show crypto ipsec sa
@save SPI0 current outbound spi: (0x[0-9A-F]+)
@sh sh $work/check_ping.sh 575 1
@sh touch $work/a.pinged
$(rekeyed B)
@sh sh $work/check_total.sh {OUT} {IN}
EOF
	elif [ "$mode" = dpd ]; then
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel B
show crypto ikev2 sa detail
@expect DPD configured for 2 seconds
@sh ip netns exec hA ping -c 3 -i 0.2 -W 2 10.2.0.2
@sh touch $work/a.pinged
@until 16 Reason: DPD: no reply from 192.0.2.2 within 10 s :: show ipsec tunnel B
@sh echo "DPD noticed \$((\$(date +%s) - \$(cat $work/b.killed.at))) s after gB's ikesh died"
@sh touch $work/a.dpd
@until 50 State: UP-ACTIVE :: show ipsec tunnel B
@sh echo "tunnel back \$((\$(date +%s) - \$(cat $work/b.killed.at))) s after gB's ikesh died"
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
show crypto ikev2 stats
@expect ^IKE SAs established +: 2$
@expect ^active +: 1$
@sh touch $work/a.done
EOF
	elif [ "$expect_a" = up ]; then
		cat <<EOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel B
show crypto ikev2 sa detail
@expect READY
@expect Initiator of SA : Yes
show crypto ipsec sa
@expect #pkts encaps: 0,
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
$(counted B)
@sh touch $work/a.pinged
EOF
	else
		echo "@until 40 $expect_a :: show ipsec tunnel B"
	fi
	[ "$mode" = dpd ] || echo "@sh sh $work/await.sh b.done"
} >steps.a

in_ns gB python3 "$IKESH_DRIVE" steps.b -- "$IKESH_BIN" --state-dir "$work/state.b" \
	--run-dir "$work/run.b" >ikesh.b.out 2>&1 &
pid_b=$!
pid_b2=
if [ "$mode" = dpd ]; then
	# gB's ikesh again, once gA saw it dead
	(sh await.sh a.dpd && in_ns gB python3 "$IKESH_DRIVE" steps.b2 -- "$IKESH_BIN" \
		--state-dir "$work/state.b" --run-dir "$work/run.b") >ikesh.b2.out 2>&1 &
	pid_b2=$!
fi
in_ns gA python3 "$IKESH_DRIVE" steps.a -- "$IKESH_BIN" --state-dir "$work/state.a" \
	--run-dir "$work/run.a" >ikesh.a.out 2>&1
rc_a=$?
# the responder's drivers end by themselves once they saw what they expect
# (or failed); a stuck one gives up at its own await limit
wait $pid_b
rc_b=$?
rc_b2=0
if [ -n "$pid_b2" ]; then
	wait $pid_b2
	rc_b2=$?
fi
echo "---- gA (initiator)"
cat ikesh.a.out
echo "---- gB (responder)"
cat ikesh.b.out
if [ -n "$pid_b2" ]; then
	echo "---- gB (responder, started again)"
	cat ikesh.b2.out
fi
[ $rc_a = 0 ] || fail "gA's ikesh (initiator)"
[ $rc_b = 0 ] || fail "gB's ikesh (responder)"
[ $rc_b2 = 0 ] || fail "gB's ikesh (responder, started again)"
case $mode in
rekey) ok "ikesh and ikesh: gA rekeyed the CHILD_SA and the IKE SA during a ping, at most one packet lost" ;;
dpd) ok "ikesh and ikesh: DPD noticed gB's ikesh gone, the tunnel came back when it returned" ;;
*)
	if [ "$expect_a" = up ]; then
		ok "ikesh and ikesh: tunnel up, 5 pings through ESP, both sides counted them"
	else
		ok "both ikesh show why the tunnel is down: gA /$expect_a/, gB /$expect_b/"
	fi
	;;
esac
exit 0
