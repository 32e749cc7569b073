Output filters, abbreviated or not, chained: include, exclude, begin,
section, count; a quoted pattern may hold `|`; a bad regular expression,
a missing pattern and an unknown filter are refused.
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
 authentication pre-share key *****
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
 authentication pre-share key *****
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
 authentication pre-share key *****
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
 authentication pre-share key *****
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
hq-gw#
