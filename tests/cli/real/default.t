`default SETTING` in configuration modes sets a setting back to its
default: as `no` for most, but `default rekey` turns rekeying back on
where `no rekey` turns it off; `?` lists the settings; objects are not
settings (`no` deletes them); `default end` is refused.
@@ config site-to-site-a.cfg
@@ pty
@@ input
> configure terminal
> default hostname
> ipsec tunnel BRANCH
> no rekey
> commit
> default rekey
> default dpd
> default description
> exit
> crypto ikev2 policy 10
> default lifetime
> exit
> default ipsec tunnel BRANCH
> default end
+ default h?
+ <C-u>
> do show configuration changes
> abort
@@ screen
hq-gw#configure terminal
hq-gw(config)#default hostname
hq-gw(config)#ipsec tunnel BRANCH
hq-gw(config-ipsec-tunnel)#no rekey
hq-gw(config-ipsec-tunnel)#commit
ikesh(config-ipsec-tunnel)#default rekey
ikesh(config-ipsec-tunnel)#default dpd
ikesh(config-ipsec-tunnel)#default description
ikesh(config-ipsec-tunnel)#exit
ikesh(config)#crypto ikev2 policy 10
ikesh(config-ikev2-policy)#default lifetime
ikesh(config-ikev2-policy)#exit
ikesh(config)#default ipsec tunnel BRANCH
                      ^
% Invalid input detected at '^' marker.
% default sets a setting back; `no ipsec ...` deletes an object

ikesh(config)#default end
                      ^
% Invalid input detected at '^' marker.

ikesh(config)#default h?
hostname
ikesh(config)#do show configuration changes
  crypto ikev2 policy 10
   encryption aes256-gcm
   prf sha256
   group 19 14
-  lifetime 28800
  !
  ipsec tunnel BRANCH
-  description Branch office over the Internet
   ike-policy 10
   ipsec-policy GCM
   local-address 192.0.2.1
   remote-address 198.51.100.2
   authentication pre-share key *****
   local-id fqdn hq.example.net
   remote-id fqdn branch.example.net
   local-subnet 10.1.0.0/24
   remote-subnet 10.2.0.0/24
-  dpd interval 30 timeout 120 action restart
-  no rekey
  !
SAs after the commit:
  tunnel BRANCH: renegotiated (ike-policy lifetime, rekey, dpd)
ikesh(config)#abort
ikesh#
