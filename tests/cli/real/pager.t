The pager on real output: a terminal starts at 24 lines a page; space,
Enter and q; `terminal length` changes it, 0 turns it off; filtered
output is paged after the filter.
@@ # a fixed config-key: sealed secrets print the same at every run
@@ file state/config-key 600
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
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
 authentication pre-share key 6 e6iggwBjQlcwlDAD2Z6OIyE3p-dXQK_YPs0BrjFSvkyktcDW
37R01i_sqyI
 local-id fqdn hq.example.net
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
hq-gw#terminal length 0
hq-gw#show running-config | count
Number of lines which match regexp = 27
hq-gw#show terminal
Length: 0 lines, Width: 80 columns
Monitor: off
hq-gw#
