# ikesh (gA) against strongSwan's charon (gB) with certificates: a root CA
# and an intermediate CA made with openssl during the test; ikesh's key pair
# generated (ECDSA) or imported (RSA) with `crypto key`, its certificate
# requested with `crypto pki enroll`, signed by the intermediate CA and
# imported; charon's certificate signed by the root. Identities are DNs.
# charon knows only the root: ikesh must send the intermediate. Then ping
# between the protected hosts through ESP, counted on both sides.
#
# SCENARIO_INIT    ikesh | strongswan: who initiates
# SCENARIO_KEY     ecdsa (ikesh P-256 generated, charon P-384, CAs P-256 and
#                  P-384) | rsa (every key RSA-2048, ikesh's imported)
# SCENARIO_PEER    good | expired (charon's certificate expired on
#                  2020-02-01) | wrong-ca (charon's certificate issued by
#                  a CA ikesh's trustpoint does not hold)
# SCENARIO_EXPECT  up | REGEX: `show ipsec tunnel` shows REGEX as the reason
. "$IKESH_UML_LIB"
. "$(dirname "$IKESH_UML_LIB")/pki.sh"
init=${SCENARIO_INIT:-ikesh}
key=${SCENARIO_KEY:-ecdsa}
peer=${SCENARIO_PEER:-good}
expect=${SCENARIO_EXPECT:-up}
work=$(pwd)

topology
in_ns hA ping -c 1 -W 2 10.2.0.2 >/dev/null || fail "no clear-text path hA -> hB"

# ---- the PKI
case $key in
ecdsa) k_root=p256 k_int=p384 k_sw=p384 ;;
rsa) k_root=rsa k_int=rsa k_sw=rsa ;;
*) fail "unknown SCENARIO_KEY $key" ;;
esac
pki_ca root "/C=DE/O=Test/CN=Test Root CA" $k_root
pki_ca int "/C=DE/O=Test/CN=Test Intermediate CA" $k_int root
cat "$PKI/root.pem" "$PKI/int.pem" >"$PKI/cas.pem"
pki_key gwB $k_sw
pki_csr gwB "/C=DE/O=Test/CN=gwB"
case $peer in
good) pki_sign gwB root ;;
expired) pki_sign gwB root 20200101000000Z 20200201000000Z ;;
wrong-ca)
	pki_ca other "/C=DE/O=Test/CN=Test Root CA" $k_root
	pki_sign gwB other
	;;
*) fail "unknown SCENARIO_PEER $peer" ;;
esac
[ "$key" = rsa ] && pki_key gwA rsa
ok "PKI made with openssl ($key; charon's certificate: $peer)"

# ---- strongSwan in gB: its key and certificate, the root CA only
sw=$work/sw
mkdir -p "$sw/swanctl/x509" "$sw/swanctl/x509ca" "$sw/swanctl/private"
cp "$PKI/gwB.pem" "$sw/swanctl/x509/"
cp "$PKI/gwB.key" "$sw/swanctl/private/"
cp "$PKI/root.pem" "$sw/swanctl/x509ca/"
cat >"$sw/strongswan.conf" <<XEOF
charon {
  load_modular = yes
  install_routes = no
  retransmit_tries = 3
  filelog { log { path = $sw/charon.log
                  flush_line = yes
                  default = 1
                  ike = 2
                  cfg = 2 } }
  plugins {
    include /etc/strongswan.d/charon/*.conf
    vici { socket = unix://$sw/charon.vici }
  }
}
XEOF
cat >"$sw/swanctl/swanctl.conf" <<XEOF
connections {
  ikesh {
    version = 2
    local_addrs = 192.0.2.2
    remote_addrs = 192.0.2.1
    proposals = aes256gcm16-prfsha384-ecp384
    local { auth = pubkey
            certs = gwB.pem
            id = "C=DE, O=Test, CN=gwB" }
    remote { auth = pubkey
             id = "C=DE, O=Test, CN=gwA" }
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
XEOF
vici="--uri unix://$sw/charon.vici"
rm -f "$sw/charon.vici"
ip netns exec gB unshare -m sh -c "mount -t tmpfs none /run && STRONGSWAN_CONF=$sw/strongswan.conf exec /usr/lib/ipsec/charon" \
	>>"$sw/charon.out" 2>&1 </dev/null &
echo $! >"$sw/charon.pid"
wait_sw() {
	t=0
	until swanctl --stats $vici >/dev/null 2>&1; do
		t=$((t + 1))
		[ $t -gt 100 ] && { cat "$sw/charon.out"; fail "charon did not start"; }
		sleep 0.1
	done
}
wait_sw
SWANCTL_DIR=$sw/swanctl swanctl --load-all $vici >"$sw/load.out" 2>&1 ||
	{ cat "$sw/load.out"; fail "swanctl --load-all"; }
grep -E 'loaded (certificate|ecdsa|rsa|private)|successfully loaded' "$sw/load.out"
sw_stop() {
	[ -f "$sw/charon.pid" ] && kill "$(cat "$sw/charon.pid")" 2>/dev/null
	rm -f "$sw/charon.pid"
}
ok "charon runs in gB with its certificate"

# charon's view while the tunnel is up: 5 echo requests in, 5 replies out,
# and it authenticated ikesh by its certificate through the intermediate
cat >"$sw/check_sas.sh" <<XEOF
swanctl --list-sas $vici 2>/dev/null >$sw/sas.out
cat $sw/sas.out
grep -Eq '^ +in +[0-9a-f]+.* 5 packets' $sw/sas.out || { echo "charon's inbound SA did not count 5 packets"; exit 1; }
grep -Eq '^ +out +[0-9a-f]+.* 5 packets' $sw/sas.out || { echo "charon's outbound SA did not count 5 packets"; exit 1; }
grep -E 'received end entity cert|received issuer cert|authentication of .* with .* successful' $sw/charon.log
grep -q 'received issuer cert "C=DE, O=Test, CN=Test Intermediate CA"' $sw/charon.log ||
	{ echo "ikesh did not send the intermediate CA certificate"; exit 1; }
grep -Eq "authentication of 'C=DE, O=Test, CN=gwA' with [A-Z_0-9]+ .*successful|authentication of 'C=DE, O=Test, CN=gwA' with .* successful" $sw/charon.log ||
	{ echo "charon did not authenticate ikesh by its certificate"; exit 1; }
XEOF

# ---- ikesh in gA, configured only through its commands
if [ "$key" = rsa ]; then
	key_cmd="crypto key import gwA file $PKI/gwA.key"
	key_ok="% Key pair gwA imported"
else
	key_cmd="crypto key generate ecdsa p256 label gwA"
	key_ok="% Key pair gwA generated"
fi
auth=ECDSA
[ "$key" = rsa ] && auth=RSA
start=auto
[ "$init" = strongswan ] && start=responder-only
cat >steps <<XEOF
$key_cmd
@expect $key_ok
configure terminal
crypto pki trustpoint TP
 keypair gwA
 subject-name C=DE, O=Test, CN=gwA
 revocation-check none
commit
@reject %
end
crypto pki authenticate TP file $PKI/cas.pem
@expect % Certificate successfully imported
@expect Subject: C=DE, O=Test, CN=Test Intermediate CA
crypto pki enroll TP
@save CSR (-----BEGIN CERTIFICATE REQUEST-----[-A-Za-z0-9+/=\n]*-----END CERTIFICATE REQUEST-----)
@sh printf '%s\n' '{CSR}' >$PKI/gwA.csr
@sh . $IKESH_UML_LIB; . $(dirname "$IKESH_UML_LIB")/pki.sh; pki_sign gwA int
crypto pki import TP certificate file $PKI/gwA.pem
@reject % (Error|Invalid|Refused)
show crypto pki certificates TP
@expect C=DE, O=Test, CN=gwA
@reject EXPIRED|NOT YET VALID
configure terminal
crypto ikev2 policy 1
 encryption aes256-gcm
 prf sha384
 group 20
crypto ipsec policy P
 encryption aes256-gcm
ipsec tunnel SW
 ike-policy 1
 ipsec-policy P
 local-address 192.0.2.1
 remote-address 192.0.2.2
 authentication certificate TP
 local-id dn "C=DE, O=Test, CN=gwA"
 remote-id dn "C=DE, O=Test, CN=gwB"
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 start-mode $start
commit
@reject %
end
XEOF
if [ "$init" = strongswan ]; then
	echo "@sh swanctl --initiate --child net $vici --timeout 20 >$sw/initiate.out 2>&1 || true" >>steps
fi
if [ "$expect" = up ]; then
	cat >>steps <<XEOF
@until 30 State: UP-ACTIVE :: show ipsec tunnel SW
show crypto ikev2 sa detail
@expect READY
@expect Auth sign: $auth, Auth verify: $auth
show crypto ipsec sa
@expect #pkts encaps: 0,
@sh ip netns exec hA ping -c 5 -i 0.2 -W 2 10.2.0.2
show crypto ipsec sa
@expect #pkts encaps: 5,
@expect #pkts decaps: 5,
show ipsec tunnel SW
@expect Traffic since commit: in 5 packets \(420 bytes\), out 5 packets \(420 bytes\)
@sh sh $sw/check_sas.sh
XEOF
else
	cat >>steps <<XEOF
@until 40 $expect :: show ipsec tunnel SW
@reject State: UP
XEOF
fi
in_ns gA python3 "$IKESH_DRIVE" steps -- "$IKESH_BIN" --state-dir "$work/state" --run-dir "$work/run" \
	>ikesh.out 2>&1
rc=$?
cat ikesh.out
if [ $rc != 0 ]; then
	echo "---- charon.log"
	tail -n 80 "$sw/charon.log"
	sw_stop
	fail "ikesh against strongSwan with certificates ($key, $init initiates, peer $peer)"
fi
if [ "$expect" = up ]; then
	ok "ikesh and strongSwan with $key certificates: tunnel up, 5 pings through ESP ($init initiates)"
else
	ok "ikesh shows why the tunnel is down: /$expect/"
	if [ "$init" = strongswan ]; then
		# ikesh as responder refused charon's certificate and told it so
		cat "$sw/initiate.out"
		grep -q 'received AUTHENTICATION_FAILED notify error' "$sw/initiate.out" ||
			{ sw_stop; fail "charon was not told AUTHENTICATION_FAILED"; }
		ok "charon received AUTHENTICATION_FAILED"
	fi
fi
sw_stop
sleep 0.2
exit 0
