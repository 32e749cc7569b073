The pager on real output: a terminal starts at 24 lines a page; space,
Enter and q; `terminal length` changes it, 0 turns it off; filtered
output is paged after the filter.
@@ config site-to-site-a.cfg
@@ pty
@@ input
> show running-config secrets
+ <CR>
+ <SP>
> show running-config
+ q
> terminal length 10
> show running-config | exclude ^!
+ <SP>
+ <C-c>
> terminal length 0
> show running-config | count
> show terminal
@@ screen
hq-gw#show running-config secrets
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
 authentication pre-share key "correct horse battery staple"
 local-id fqdn hq.example.net
 remote-id fqdn branch.example.net
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 dpd interval 30 timeout 120 action restart
!
hq-gw#show running-config
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
 local-id fqdn hq.example.net
 remote-id fqdn branch.example.net
hq-gw#terminal length 10
hq-gw#show running-config | exclude ^!
Building configuration...
hostname hq-gw
crypto ikev2 policy 10
 encryption aes256-gcm
 prf sha256
 group 19 14
 lifetime 28800
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
hq-gw#terminal length 0
hq-gw#show running-config | count
Number of lines which match regexp = 27
hq-gw#show terminal
Length: 0 lines, Width: 80 columns
Monitor: off
hq-gw#
