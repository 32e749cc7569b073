IKE fragmentation (RFC 7383) on a tunnel: `fragmentation` offers it with
the default fragment size (1280-byte packets), `fragmentation mtu N` with
another; shown as set, refused below 200 and for IKEv1, `no` takes it away.
@@ # a fixed config-key: sealed secrets print the same at every run
@@ file state/config-key 600
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
@@ file frag.ikesh
configure terminal
 ipsec tunnel T
  remote-address 192.0.2.2
  authentication pre-share key a-key-of-some-length
  local-subnet 10.1.0.0/24
  remote-subnet 10.2.0.0/24
  fragmentation mtu 576
 commit
 end
show running-config
@@ run -f {tmp}/frag.ikesh
@@ stdout
Building configuration...
ipsec tunnel T
 remote-address 192.0.2.2
 authentication pre-share key 6 DlKYioPdwkEdJYe3dI9azoHbtGrA9rb_5PF3GgUyy-dD--8E
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 fragmentation mtu 576
!
@@ run -c "conf t" -c "ipsec tunnel T" -c "fragmentation mtu 199"
@@ stderr
-c:3: % Invalid input detected at '199': 199 is out of range 200-65535
@@ exit 1
@@ run -c "conf t" -c "ipsec tunnel T" -c "ike-version 1" -c "commit"
@@ stderr
-c:4: % Error: Failed to commit: the candidate configuration has 1 error:
-c:4: %   tunnel T: fragmentation is for ike-version 2 only
@@ exit 1
@@ run -c "conf t" -c "ipsec tunnel T" -c "fragmentation" -c "commit" -c "end" -c "show running-config"
@@ stdout
Building configuration...
ipsec tunnel T
 remote-address 192.0.2.2
 authentication pre-share key 6 DlKYioPdwkEdJYe3dI9azoHbtGrA9rb_5PF3GgUyy-dD--8E
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 fragmentation
!
@@ run -c "conf t" -c "ipsec tunnel T" -c "no fragmentation" -c "commit" -c "end" -c "show running-config"
@@ stdout
Building configuration...
ipsec tunnel T
 remote-address 192.0.2.2
 authentication pre-share key 6 DlKYioPdwkEdJYe3dI9azoHbtGrA9rb_5PF3GgUyy-dD--8E
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
!
