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
work=$(pwd)

topology
in_ns hA ping -c 1 -W 2 10.2.0.2 >/dev/null || fail "no clear-text path hA -> hB"

# conf NAME IKE IPSEC LOCAL REMOTE PSK LSUB RSUB START: an operator's lines
conf() {
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
commit
@reject %
end
EOF
}

# await FILE: a marker the other side leaves (at most 60 s)
cat >await.sh <<EOF
t=0
until [ -e "$work/\$1" ]; do
	t=\$((t + 1))
	[ \$t -gt 600 ] && { echo "no \$1 after 60 s"; exit 1; }
	sleep 0.1
done
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
EOF
}

# ---- gB: the responder
{
	conf A "$ike_b" "$ipsec_b" 192.0.2.2 192.0.2.1 "$psk_b" 10.2.0.0/24 10.1.0.0/24 responder-only
	echo "@sh touch $work/b.ready"
	if [ "$expect_b" = up ]; then
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
	echo "@sh touch $work/b.done"
} >steps.b

# ---- gA: the initiator
{
	echo "@sh sh $work/await.sh b.ready"
	conf B "$ike_a" "$ipsec_a" 192.0.2.1 192.0.2.2 "$psk_a" 10.1.0.0/24 10.2.0.0/24 auto
	if [ "$expect_a" = up ]; then
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
	echo "@sh sh $work/await.sh b.done"
} >steps.a

in_ns gB python3 "$IKESH_DRIVE" steps.b -- "$IKESH_BIN" --state-dir "$work/state.b" \
	--run-dir "$work/run.b" >ikesh.b.out 2>&1 &
pid_b=$!
in_ns gA python3 "$IKESH_DRIVE" steps.a -- "$IKESH_BIN" --state-dir "$work/state.a" \
	--run-dir "$work/run.a" >ikesh.a.out 2>&1
rc_a=$?
# the responder's driver ends by itself once it saw what it expects (or
# failed); a stuck one is stopped after its own await limit
wait $pid_b
rc_b=$?
echo "---- gA (initiator)"
cat ikesh.a.out
echo "---- gB (responder)"
cat ikesh.b.out
[ $rc_a = 0 ] || fail "gA's ikesh (initiator)"
[ $rc_b = 0 ] || fail "gB's ikesh (responder)"
if [ "$expect_a" = up ]; then
	ok "ikesh and ikesh: tunnel up, 5 pings through ESP, both sides counted them"
else
	ok "both ikesh show why the tunnel is down: gA /$expect_a/, gB /$expect_b/"
fi
exit 0
