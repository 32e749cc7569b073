Output filters, abbreviated or not, chained: include, exclude, begin,
section, count; a quoted pattern may hold `|`; a bad regular expression,
a missing pattern and an unknown filter are refused.
@@ # a fixed config-key: sealed secrets print the same at every run
@@ file state/config-key 600
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
@@ config site-to-site-a.cfg
@@ pty
@@ input
> show running-config | include key
> sh run | inc "^ (local|remote)-"
> show running-config | exclude "^( |!)"
> show running-config | exclude ^( |!)
> show running-config | begin ipsec policy
> show running-config | section GCM
> show running-config | sec tunnel | i address
> show running-config | count
> show running-config | include !
> show running-config | include (
> show running-config | include
> show running-config | bogus x
> show running-config | e x
+ q
@@ screen
hq-gw#show running-config | include key
 authentication pre-share key 6 e6iggwBjQlcwlDAD2Z6OIyE3p-dXQK_YPs0BrjFSvkyktcDW
37R01i_sqyI
hq-gw#sh run | inc "^ (local|remote)-"
 local-address 192.0.2.1
 remote-address 198.51.100.2
 local-id fqdn hq.example.net
 remote-id fqdn branch.example.net
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
hq-gw#show running-config | exclude "^( |!)"
Building configuration...
hostname hq-gw
crypto ikev2 policy 10
crypto ipsec policy GCM
ipsec tunnel BRANCH
hq-gw#show running-config | exclude ^( |!)
% Error: Invalid regular expression "^(": Unmatched ( or \(
hq-gw#show running-config | begin ipsec policy
crypto ipsec policy GCM
 encryption aes256-gcm
 pfs group 19
 lifetime seconds 3600
!
ipsec tunnel BRANCH
 description Branch office over the Internet
 ike-policy 10
 ipsec-policy GCM
 local-address 192.0.2.1
 remote-address 198.51.100.2
 authentication pre-share key 6 e6iggwBjQlcwlDAD2Z6OIyE3p-dXQK_YPs0BrjFSvkyktcDW
37R01i_sqyI
 local-id fqdn hq.example.net
 remote-id fqdn branch.example.net
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 dpd interval 30 timeout 120 action restart
!
hq-gw#show running-config | section GCM
crypto ipsec policy GCM
 encryption aes256-gcm
 pfs group 19
 lifetime seconds 3600
ipsec tunnel BRANCH
 description Branch office over the Internet
 ike-policy 10
 ipsec-policy GCM
 local-address 192.0.2.1
 remote-address 198.51.100.2
 authentication pre-share key 6 e6iggwBjQlcwlDAD2Z6OIyE3p-dXQK_YPs0BrjFSvkyktcDW
37R01i_sqyI
 local-id fqdn hq.example.net
 remote-id fqdn branch.example.net
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 dpd interval 30 timeout 120 action restart
hq-gw#show running-config | sec tunnel | i address
 local-address 192.0.2.1
 remote-address 198.51.100.2
hq-gw#show running-config | count
Number of lines which match regexp = 27
hq-gw#show running-config | include !
!
!
!
!
hq-gw#show running-config | include (
% Error: Invalid regular expression "(": Unmatched ( or \(
hq-gw#show running-config | include
% Incomplete command.

hq-gw#show running-config | bogus x
                            ^
% Invalid input detected at '^' marker.

hq-gw#show running-config | e x
Building configuration...
hostname hq-gw
!
crypto ikev2 policy 10
 encryption aes256-gcm
 prf sha256
 group 19 14
 lifetime 28800
!
crypto ipsec policy GCM
 encryption aes256-gcm
 pfs group 19
 lifetime seconds 3600
!
ipsec tunnel BRANCH
 description Branch office over the Internet
 ike-policy 10
 ipsec-policy GCM
 local-address 192.0.2.1
 remote-address 198.51.100.2
 authentication pre-share key 6 e6iggwBjQlcwlDAD2Z6OIyE3p-dXQK_YPs0BrjFSvkyktcDW
37R01i_sqyI
 local-subnet 10.1.0.0/24
hq-gw#
