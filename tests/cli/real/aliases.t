The IOS-XE and IOS spellings of algorithms are accepted where our own
word is allowed (`aes-cbc-256`, `aes-gcm-128`, `esp-sha256-hmac`, `sha`
for SHA-1) and written back as ours; where our word is not allowed (GCM
in IKEv1) the alias is refused too.
@@ pty
@@ input
> configure terminal
> crypto ikev2 policy 5
> encryption aes-cbc-256 AES-GCM-128 aes-cbc-128
> integrity sha
> exit
> crypto ipsec policy P
> encryption aes-gcm-256 aes-cbc-192
> integrity esp-sha256-hmac esp-sha-hmac
> exit
> crypto ikev1 policy 3
> encryption aes-gcm-256
> encryption aes-cbc-256
> hash sha
> do show configuration
> abort
@@ screen
ikesh#configure terminal
ikesh(config)#crypto ikev2 policy 5
ikesh(config-ikev2-policy)#encryption aes-cbc-256 AES-GCM-128 aes-cbc-128
ikesh(config-ikev2-policy)#integrity sha
ikesh(config-ikev2-policy)#exit
ikesh(config)#crypto ipsec policy P
ikesh(config-ipsec-policy)#encryption aes-gcm-256 aes-cbc-192
ikesh(config-ipsec-policy)#integrity esp-sha256-hmac esp-sha-hmac
ikesh(config-ipsec-policy)#exit
ikesh(config)#crypto ikev1 policy 3
ikesh(config-ikev1-policy)#encryption aes-gcm-256
                                      ^
% Invalid input detected at '^' marker.

ikesh(config-ikev1-policy)#encryption aes-cbc-256
ikesh(config-ikev1-policy)#hash sha
ikesh(config-ikev1-policy)#do show configuration
crypto ikev1 policy 3
 encryption aes256
 hash sha1
!
crypto ikev2 policy 5
 encryption aes256 aes128-gcm aes128
 integrity sha1
!
crypto ipsec policy P
 encryption aes256-gcm aes192
 integrity sha256 sha1
!
ikesh(config-ikev1-policy)#abort
ikesh#
