# Transport mode between the gateways themselves (ESP or AH), through the seam.
# SCENARIO_ALG, SCENARIO_AF as in tunnel.sh.
. "$IKESH_UML_LIB"
alg=${SCENARIO_ALG:?}
af=${SCENARIO_AF:-4}
if [ "$af" = 6 ]; then GA=2001:db8::1 GB=2001:db8::2; else GA=192.0.2.1 GB=192.0.2.2; fi
case $alg in ah-*) proto=ah ;; *) proto=esp ;; esac
topology
# static neighbours: no ND/ARP packets on the wire to blur the SA counters
ma=$(in_ns gA cat /sys/class/net/wan/address)
mb=$(in_ns gB cat /sys/class/net/wan/address)
in_ns gA ip neigh replace $GB lladdr $mb nud permanent dev wan
in_ns gB ip neigh replace $GA lladdr $ma nud permanent dev wan
tool gA child --primitives --mode transport --alg $alg --local $GA --remote $GB \
	--spi-out 0xc0000a02 --spi-in 0xc0000b02 >gA.out || fail "gA: child"
tool gB child --primitives --mode transport --alg $alg --local $GB --remote $GA \
	--spi-out 0xc0000b02 --spi-in 0xc0000a02 >gB.out || fail "gB: child"
grep -q 'mode transport' gA.out || fail "not transport mode"
check_ip_xfrm gA gA.out
check_ip_xfrm gB gB.out
seam_vs_ip gA $GA $GB $alg $proto 0xc0000a02
seam_vs_ip gB $GA $GB $alg $proto 0xc0000a02
in_ns gA ping -c 4 -i 0.05 -W 2 $GB >ping.out || { cat ping.out; fail "ping gA -> gB"; }
ok "4 pings gA -> gB in $proto transport mode (IPv$af)"
expect_packets gA $GA $GB $alg $proto 0xc0000a02 4
expect_packets gB $GA $GB $alg $proto 0xc0000a02 4
expect_packets gB $GB $GA $alg $proto 0xc0000b02 4
