# ESP tunnel mode between gA and gB, installed through the seam only.
# SCENARIO_ALG: seam tool algorithm; SCENARIO_AF: 4, 6 or 64 (IPv6 in IPv4);
# SCENARIO_EXTRA: more child options (--alloc, --esn, --replay N, --encap S:D).
. "$IKESH_UML_LIB"
alg=${SCENARIO_ALG:?}
af=${SCENARIO_AF:-4}
extra=${SCENARIO_EXTRA:-}
if [ "$af" = 6 ]; then
	GA=2001:db8::1 GB=2001:db8::2 NA=fd01::/64 NB=fd02::/64 HB=fd02::2
elif [ "$af" = 64 ]; then # IPv6 inside, IPv4 outside
	GA=192.0.2.1 GB=192.0.2.2 NA=fd01::/64 NB=fd02::/64 HB=fd02::2
else
	GA=192.0.2.1 GB=192.0.2.2 NA=10.1.0.0/24 NB=10.2.0.0/24 HB=10.2.0.2
fi
case $alg in ah-*) proto=ah ;; *) proto=esp ;; esac
topology
clear_path hA $HB

if [ -n "${SCENARIO_UDP_ENCAP:-}" ]; then
	# the IKE daemon's NAT-T socket: ESP-in-UDP arriving on 4500 is decapsulated
	for ns in gA gB; do
		in_ns $ns python3 -c "
import socket, time
s = socket.socket(socket.AF_INET$( [ "$af" = 6 ] && echo 6), socket.SOCK_DGRAM)
s.bind(('', 4500)); s.setsockopt(17, 100, 2); time.sleep(60)" &
	done
	sleep 0.5
fi
tool gA child --alg $alg --local $GA --remote $GB --lnet $NA --rnet $NB \
	--spi-out 0xc0000a01 --spi-in 0xc0000b01 $extra >gA.out || fail "gA: child"
tool gB child --alg $alg --local $GB --remote $GA --lnet $NB --rnet $NA \
	--spi-out 0xc0000b01 --spi-in 0xc0000a01 $extra >gB.out || fail "gB: child"
cat gA.out
check_ip_xfrm gA gA.out
check_ip_xfrm gB gB.out
seam_vs_ip gA $GA $GB $alg $proto 0xc0000a01
seam_vs_ip gA $GB $GA $alg $proto 0xc0000b01
expect_packets gA $GA $GB $alg $proto 0xc0000a01 0

in_ns hA ping -c 5 -i 0.05 -W 2 $HB >ping.out || { cat ping.out; fail "ping hA -> hB through the tunnel"; }
grep -q ' 0% packet loss' ping.out || fail "packet loss: $(cat ping.out)"
ok "5 pings hA -> hB through the $alg tunnel (IPv$af)"
expect_packets gA $GA $GB $alg $proto 0xc0000a01 5
expect_packets gA $GB $GA $alg $proto 0xc0000b01 5
expect_packets gB $GB $GA $alg $proto 0xc0000b01 5
expect_packets gB $GA $GB $alg $proto 0xc0000a01 5
# times: installed and first used are known now; last used (XFRMA_LASTUSED)
# only where the kernel keeps it per packet (from 6.2; UML's 6.1 sends none)
line=$(tool gA counters --local $GA --remote $GB --alg $alg --spi-out 0xc0000a01 | head -n 1)
set -- $line
[ "$8" -gt 0 ] && [ "${10}" -ge "$8" ] && { [ "${12}" = 0 ] || [ "${12}" -ge "${10}" ]; } ||
	fail "gA: SA times: add $8 use ${10} lastused ${12}"
ok "gA: SA 0xc0000a01 added $8, first used ${10}, last used ${12}"

# the hosts' packets went through ESP only: remove gB's inbound SA and the
# next ping must fail rather than pass in clear text
tool gB flush >/dev/null || fail "gB: flush"
[ -z "$(in_ns gB ip xfrm state)" ] || fail "gB: state left after flush"
[ -z "$(in_ns gB ip xfrm policy)" ] || fail "gB: policies left after flush"
if in_ns hA ping -c 1 -W 0.3 $HB >/dev/null; then
	fail "ping passed with gB's SAs gone: traffic was not protected"
fi
ok "no traffic once gB's SAs are flushed"
