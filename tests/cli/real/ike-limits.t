The IKE responder's limits on unauthenticated peers, in IOS's words
(`crypto ikev2 cookie-challenge N`, `crypto ikev2 limit
max-in-negotiation-sa N`) and two of ours (half-open-per-peer,
half-open-per-prefix): committed, shown in the running configuration only
when set, saved and read back by a restart, refused out of range (nothing
changed), and taken back to the default with `no`.
@@ file limits.ikesh
configure terminal
 crypto ikev2 cookie-challenge 10
 crypto ikev2 limit max-in-negotiation-sa 200
 crypto ikev2 limit half-open-per-peer 3
 crypto ikev2 limit half-open-per-prefix 50
 hostname gw
 commit
 end
write memory
@@ run -f {tmp}/limits.ikesh
@@ stdout
Building configuration...
[OK]
@@ run -c "show running-config"
@@ stdout
Building configuration...
hostname gw
crypto ikev2 cookie-challenge 10
crypto ikev2 limit max-in-negotiation-sa 200
crypto ikev2 limit half-open-per-peer 3
crypto ikev2 limit half-open-per-prefix 50
!
@@ run -c "conf t" -c "crypto ikev2 limit max-in-negotiation-sa 0"
@@ stderr
-c:2: % Invalid input detected at '0': 0 is out of range 1-100000
@@ exit 1
@@ run -c "conf t" -c "crypto ikev2 cookie-challenge 100001"
@@ stderr
-c:2: % Invalid input detected at '100001': 100001 is out of range 1-100000
@@ exit 1
@@ run -c "conf t" -c "crypto ikev2 limit max-sa 10"
@@ stderr
-c:2: % Invalid input detected at 'max-sa'
@@ exit 1
@@ run -c "conf t" -c "no crypto ikev2 limit half-open-per-peer" -c "no crypto ikev2 cookie-challenge 10" -c "commit" -c "end" -c "show running-config"
@@ stdout
Building configuration...
hostname gw
crypto ikev2 limit max-in-negotiation-sa 200
crypto ikev2 limit half-open-per-prefix 50
!
@@ run -c "show startup-config"
@@ stdout
hostname gw
crypto ikev2 cookie-challenge 10
crypto ikev2 limit max-in-negotiation-sa 200
crypto ikev2 limit half-open-per-peer 3
crypto ikev2 limit half-open-per-prefix 50
!
@@ pty
@@ input
> conf t
+ crypto ikev2 limit ?
@@ screen
gw#conf t
gw(config)#crypto ikev2 limit ?
  half-open-per-peer     Cookie-proven half-open IKE SAs per address (5)
  half-open-per-prefix   Cookie-proven half-open IKE SAs per /24, /64 (500)
  max-in-negotiation-sa  Half-open IKE SAs in all (5000)
gw(config)#crypto ikev2 limit
