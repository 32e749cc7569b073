# Route-based VPN over VTI (this UML kernel has no XFRM interfaces): the
# interface's key marks the traffic routed into it, the SAs and policies
# carry the same mark and select any traffic; the protected hosts ping
# through the interfaces.
. "$IKESH_UML_LIB"
topology
clear_path hA 10.2.0.2
tool gA iface --name vti0 --if-id 7 --local 192.0.2.1 --remote 192.0.2.2 | grep -q 'kind vti' ||
	fail "gA: vti0"
tool gB iface --name vti0 --if-id 7 --local 192.0.2.2 --remote 192.0.2.1 | grep -q 'kind vti' ||
	fail "gB: vti0"
for ns in gA gB; do
	in_ns $ns sysctl -qw net.ipv4.conf.vti0.disable_policy=1 || fail "$ns: sysctl"
done
ip -n gA route replace 10.2.0.0/24 dev vti0 || fail "gA: route"
ip -n gB route replace 10.1.0.0/24 dev vti0 || fail "gB: route"
tool gA child --alg aes256-sha512 --local 192.0.2.1 --remote 192.0.2.2 --lnet 0.0.0.0/0 \
	--rnet 0.0.0.0/0 --spi-out 0xc0000a20 --spi-in 0xc0000b20 --mark 7 >gA.out ||
	fail "gA: child"
tool gB child --alg aes256-sha512 --local 192.0.2.2 --remote 192.0.2.1 --lnet 0.0.0.0/0 \
	--rnet 0.0.0.0/0 --spi-out 0xc0000b20 --spi-in 0xc0000a20 --mark 7 >gB.out ||
	fail "gB: child"
check_ip_xfrm gA gA.out
check_ip_xfrm gB gB.out
seam_vs_ip gA 192.0.2.1 192.0.2.2 aes256-sha512 esp 0xc0000a20 7
in_ns hA ping -c 5 -i 0.05 -W 2 10.2.0.2 >ping.out || { cat ping.out; fail "ping through vti0"; }
ok "5 pings hA -> hB routed through VTI"
line=$(tool gA counters --local 192.0.2.1 --remote 192.0.2.2 --alg aes256-sha512 \
	--spi-out 0xc0000a20 --mark 7)
case $line in "packets 5 "*) ;; *) fail "gA's outbound SA: $line" ;; esac
line=$(tool gB counters --local 192.0.2.1 --remote 192.0.2.2 --alg aes256-sha512 \
	--spi-out 0xc0000a20 --mark 7)
case $line in "packets 5 "*) ;; *) fail "gB's inbound SA: $line" ;; esac
ok "the marked SAs counted the 5 packets on both sides"
