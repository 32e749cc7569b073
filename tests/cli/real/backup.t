Backups that restore: show running-config prints each secret sealed (key 6
TEXT, the same at every run under one config-key); the saved file, with
its header lines, restores the same configuration through ikesh -f, copy
FILE running-config (merge) and configure replace FILE (replace, showing
what changes); under another config-key a sealed secret is refused with
the file and line named, and nothing changes.
@@ # a fixed config-key: sealed secrets print the same at every run
@@ file state/config-key 600
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
@@ file site.ikesh
configure terminal
 hostname gw1
 crypto ikev2 policy 10
  encryption aes256
 ipsec tunnel HQ
  remote-address 192.0.2.2
  ike-policy 10
  authentication pre-share key "hq key #1"
 ipsec tunnel OLD
  ike-version 1
  remote-address 192.0.2.3
  authentication pre-share key old-key
  xauth username alice password hunter2
@@ file ios.cfg
Building configuration...

Current configuration : 150 bytes
!
! Last configuration change
!
hostname ios-style
!
end
@@ run -f {tmp}/site.ikesh
@@ run -c "show running-config"
@@ stdout
Building configuration...
hostname gw1
!
crypto ikev2 policy 10
 encryption aes256
!
ipsec tunnel HQ
 ike-policy 10
 remote-address 192.0.2.2
 authentication pre-share key 6 uOOmOrs9p-_DEz0h1V67xogWiIes2TPiew
!
ipsec tunnel OLD
 ike-version 1
 remote-address 192.0.2.3
 authentication pre-share key 6 _Gi48shTjUPJlsUlOKnHbNLChPMZ1Pk
 xauth username alice password 6 SdKqQpkXFNIgWrOh_aIMwrjYiMmbVAg
!
@@ exec sh -c '{ikesh} -c "show running-config" > {tmp}/backup.cfg && {ikesh} -c "show running-config secrets" > {tmp}/clear.txt'
@@ run -c "show running-config"
@@ stdout
Building configuration...
hostname gw1
!
crypto ikev2 policy 10
 encryption aes256
!
ipsec tunnel HQ
 ike-policy 10
 remote-address 192.0.2.2
 authentication pre-share key 6 uOOmOrs9p-_DEz0h1V67xogWiIes2TPiew
!
ipsec tunnel OLD
 ike-version 1
 remote-address 192.0.2.3
 authentication pre-share key 6 _Gi48shTjUPJlsUlOKnHbNLChPMZ1Pk
 xauth username alice password 6 SdKqQpkXFNIgWrOh_aIMwrjYiMmbVAg
!
@@ # wiped, then restored by ikesh -f
@@ run -c "configure terminal" -c "no ipsec tunnel HQ" -c "no ipsec tunnel OLD" -c "no crypto ikev2 policy 10" -c "no hostname" -c "end"
@@ run -f {tmp}/backup.cfg
@@ exec sh -c '{ikesh} -c "show running-config secrets" | diff - {tmp}/clear.txt && echo same'
@@ stdout
same
@@ # replace: what is not in the file goes, what changed comes back
@@ run -c "configure terminal" -c "ipsec tunnel HQ" -c "authentication pre-share key changed" -c "exit" -c "ipsec tunnel EXTRA" -c "remote-address 192.0.2.9" -c "authentication pre-share key x" -c "end"
@@ run -c "configure replace {tmp}/backup.cfg"
@@ stdout
- ipsec tunnel EXTRA
-  remote-address 192.0.2.9
-  authentication pre-share key *****
- !
  ipsec tunnel HQ
   ike-policy 10
   remote-address 192.0.2.2
-  authentication pre-share key *****
+  authentication pre-share key *****
  !
@@ exec sh -c '{ikesh} -c "show running-config secrets" | diff - {tmp}/clear.txt && echo same'
@@ stdout
same
@@ run -c "configure replace {tmp}/backup.cfg"
@@ stdout
No configuration changes.
@@ # merge: what the file has comes back, the rest stays
@@ run -c "configure terminal" -c "no hostname" -c "ipsec tunnel EXTRA" -c "remote-address 192.0.2.9" -c "authentication pre-share key x" -c "end"
@@ run -c "copy {tmp}/backup.cfg running-config"
@@ stdout
+ hostname gw1
+ !
@@ run -c "show running-config secrets"
@@ stdout
Building configuration...
hostname gw1
!
crypto ikev2 policy 10
 encryption aes256
!
ipsec tunnel EXTRA
 remote-address 192.0.2.9
 authentication pre-share key x
!
ipsec tunnel HQ
 ike-policy 10
 remote-address 192.0.2.2
 authentication pre-share key "hq key #1"
!
ipsec tunnel OLD
 ike-version 1
 remote-address 192.0.2.3
 authentication pre-share key old-key
 xauth username alice password hunter2
!
@@ run -c "configure replace {tmp}/ios.cfg"
@@ stdout
- hostname gw1
+ hostname ios-style
  !
- crypto ikev2 policy 10
-  encryption aes256
- !
- ipsec tunnel EXTRA
-  remote-address 192.0.2.9
-  authentication pre-share key *****
- !
- ipsec tunnel HQ
-  ike-policy 10
-  remote-address 192.0.2.2
-  authentication pre-share key *****
- !
- ipsec tunnel OLD
-  ike-version 1
-  remote-address 192.0.2.3
-  authentication pre-share key *****
-  xauth username alice password *****
- !
@@ run -f {tmp}/backup.cfg
@@ # another config-key: the sealed secrets do not open, nothing changes
@@ run -c "configure terminal" -c "key config-key password-encrypt another-passphrase" -c "end"
@@ run -c "configure replace {tmp}/backup.cfg"
@@ stderr
-c:1: {tmp}/backup.cfg:10: % the sealed secret does not open with this device's config-key (set the one it was sealed with: key config-key password-encrypt)
-c:1: % {tmp}/backup.cfg: nothing was changed
@@ exit 1
@@ run -f {tmp}/backup.cfg
@@ stderr
{tmp}/backup.cfg:10: % the sealed secret does not open with this device's config-key (set the one it was sealed with: key config-key password-encrypt)
@@ exit 1
@@ run -c "show running-config secrets"
@@ stdout
Building configuration...
hostname gw1
!
crypto ikev2 policy 10
 encryption aes256
!
ipsec tunnel HQ
 ike-policy 10
 remote-address 192.0.2.2
 authentication pre-share key "hq key #1"
!
ipsec tunnel OLD
 ike-version 1
 remote-address 192.0.2.3
 authentication pre-share key old-key
 xauth username alice password hunter2
!
