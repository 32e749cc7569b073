TAB completes command words, policy ids, tunnel and policy names and
algorithm keywords; one candidate is completed with a blank, several
are extended to their common prefix or listed.
@@ config site-to-site-a.cfg
@@ pty
@@ input
> terminal length 0
+ sh<TAB>
+ star<TAB>
+ <CR>
+ conf<TAB>t<TAB>
+ <CR>
+ crypto ikev2 policy <TAB>
+ <CR>
+ encr<TAB>
+ aes256-g<TAB>
+ <CR>
+ exit<CR>
+ crypto ipsec policy <TAB>
+ <CR>
+ exit<CR>
> ipsec tunnel BRANCH-2
> exit
+ ipsec tunnel BR<TAB>
+ <TAB>
+ <C-u>ipsec tunnel B<TAB>
+ -<TAB>
+ <CR>
+ ike-policy <TAB>
+ <CR>
+ start-mode <TAB>
+ on<TAB>
+ <CR>
+ zzz<TAB>
+ <C-u>
> do show configuration changes
> abort
@@ screen
hq-gw#terminal length 0
hq-gw#show startup-config
! Site-to-site, side A (headquarters): IKEv2 with a pre-shared key.
! Pair with site-to-site-b.cfg.  The file is in canonical form: it is
! exactly what `show running-config secrets` prints after loading it.
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
 local-subnet 10.1.0.0/24
 remote-subnet 10.2.0.0/24
 dpd interval 30 timeout 120 action restart
!
hq-gw#configure terminal
hq-gw(config)#crypto ikev2 policy 10
hq-gw(config-ikev2-policy)#encryption aes256-gcm
hq-gw(config-ikev2-policy)#exit
hq-gw(config)#crypto ipsec policy GCM
hq-gw(config-ipsec-policy)#exit
hq-gw(config)#ipsec tunnel BRANCH-2
hq-gw(config-ipsec-tunnel)#exit
hq-gw(config)#ipsec tunnel BRANCH
BRANCH  BRANCH-2
hq-gw(config)#ipsec tunnel BRANCH-2
hq-gw(config-ipsec-tunnel)#ike-policy 10
hq-gw(config-ipsec-tunnel)#start-mode
auto  on-demand  responder-only
hq-gw(config-ipsec-tunnel)#start-mode on-demand
hq-gw(config-ipsec-tunnel)#do show configuration changes
+ ipsec tunnel BRANCH-2
+  ike-policy 10
+  start-mode on-demand
+ !
SAs after the commit:
  tunnel BRANCH-2: created
  1 other tunnel: kept, unchanged
hq-gw(config-ipsec-tunnel)#abort
hq-gw#
