# ikesh (gA, initiator) against ikesh (gB, responder-only) with ECDSA
# certificates: a root CA (P-256) and an intermediate CA (P-384) made with
# openssl during the test. Each ikesh generates its key pair (gA P-256, gB
# P-384), prints a request with `crypto pki enroll`, has it signed (gA by
# the intermediate, gB by the root) and imports it. gB's trustpoint holds
# only the root, so gA must send the intermediate; gB accepts any
# `C=DE, O=Test, CN=*` identity. Then ping between the protected hosts
# through ESP, counted on both sides.
. "$IKESH_UML_LIB"
. "$(dirname "$IKESH_UML_LIB")/pki.sh"
work=$(pwd)

topology
in_ns hA ping -c 1 -W 2 10.2.0.2 >/dev/null || fail "no clear-text path hA -> hB"

pki_ca root "/C=DE/O=Test/CN=Test Root CA" p256
pki_ca int "/C=DE/O=Test/CN=Test Intermediate CA" p384 root
cat "$PKI/root.pem" "$PKI/int.pem" >"$PKI/cas.pem"
ok "PKI made with openssl"

# await FILE: a marker the other side leaves (at most 60 s)
cat >await.sh <<XEOF
t=0
until [ -e "$work/\$1" ]; do
	t=\$((t + 1))
	[ \$t -gt 600 ] && { echo "no \$1 after 60 s"; exit 1; }
	sleep 0.1
done
XEOF

# enroll NAME CURVE CAFILE ISSUER: key pair, trustpoint TP, CA certificates,
# request, certificate signed by ISSUER and imported
enroll() {
	cat <<XEOF
crypto key generate ecdsa $2 label $1
@expect % Key pair $1 generated
configure terminal
crypto pki trustpoint TP
 keypair $1
 subject-name C=DE, O=Test, CN=$1
commit
@reject %
end
crypto pki authenticate TP file $3
@expect % Certificate successfully imported
crypto pki enroll TP
@save CSR (-----BEGIN CERTIFICATE REQUEST-----[-A-Za-z0-9+/=\n]*-----END CERTIFICATE REQUEST-----)
@sh printf '%s\n' '{CSR}' >$PKI/$1.csr
@sh . $IKESH_UML_LIB; . $(dirname "$IKESH_UML_LIB")/pki.sh; pki_sign $1 $4
crypto pki import TP certificate file $PKI/$1.pem
@reject % (Error|Invalid|Refused)
show crypto pki trustpoints
@expect TP
XEOF
}

# tunnel NAME LOCAL REMOTE LOCAL-DN REMOTE-DN LSUB RSUB START
tunnel() {
	cat <<XEOF
configure terminal
crypto ikev2 policy 1
 encryption aes256-gcm
 prf sha384
 group 20
crypto ipsec policy P
 encryption aes256-gcm
ipsec tunnel $1
 ike-policy 1
 ipsec-policy P
 local-address $2
 remote-address $3
 authentication certificate TP
 local-id dn "$4"
 remote-id dn "$5"
 local-subnet $6
 remote-subnet $7
 start-mode $8
commit
@reject %
end
XEOF
}

counted() {
	cat <<XEOF
show crypto ipsec sa
@expect #pkts encaps: 5,
@expect #pkts decaps: 5,
show ipsec tunnel $1
@expect Traffic since commit: in 5 packets \(420 bytes\), out 5 packets \(420 bytes\)
XEOF
}

# ---- gB: the responder, trusting the root only
{
	enroll gwB p384 "$PKI/root.pem" root
	tunnel A 192.0.2.2 192.0.2.1 "C=DE, O=Test, CN=gwB" "C=DE, O=Test, CN=*" \
		10.2.0.0/24 10.1.0.0/24 responder-only
	cat <<XEOF
@sh touch $work/b.ready
@until 30 State: UP-ACTIVE :: show ipsec tunnel A
show crypto ikev2 sa detail
@expect READY
@expect Initiator of SA : No
@expect Auth sign: ECDSA, Auth verify: ECDSA
@sh sh $work/await.sh a.pinged
$(counted A)
@sh touch $work/b.done
XEOF
} >steps.b

# ---- gA: the initiator, its certificate under the intermediate
{
	echo "@sh sh $work/await.sh b.ready"
	enroll gwA p256 "$PKI/cas.pem" int
	tunnel B 192.0.2.1 192.0.2.2 "C=DE, O=Test, CN=gwA" "C=DE, O=Test, CN=gwB" \
		10.1.0.0/24 10.2.0.0/24 auto
	cat <<XEOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel B
show crypto ikev2 sa detail
@expect READY
@expect Initiator of SA : Yes
@expect Auth sign: ECDSA, Auth verify: ECDSA
show crypto ipsec sa
@expect #pkts encaps: 0,
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
$(counted B)
@sh touch $work/a.pinged
@sh sh $work/await.sh b.done
XEOF
} >steps.a

in_ns gB python3 "$IKESH_DRIVE" steps.b -- "$IKESH_BIN" --state-dir "$work/state.b" \
	--run-dir "$work/run.b" >ikesh.b.out 2>&1 &
pid_b=$!
in_ns gA python3 "$IKESH_DRIVE" steps.a -- "$IKESH_BIN" --state-dir "$work/state.a" \
	--run-dir "$work/run.a" >ikesh.a.out 2>&1
rc_a=$?
wait $pid_b
rc_b=$?
echo "---- gA (initiator)"
cat ikesh.a.out
echo "---- gB (responder)"
cat ikesh.b.out
[ $rc_a = 0 ] || fail "gA's ikesh (initiator)"
[ $rc_b = 0 ] || fail "gB's ikesh (responder)"
ok "ikesh and ikesh with ECDSA certificates: tunnel up, 5 pings through ESP, both sides counted them"
exit 0
