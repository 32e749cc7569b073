A transaction: changes gather in a private candidate (`show configuration
changes`), `commit check` validates, `commit` applies all or nothing and
lists every error with its object, `abort` drops the candidate, leaving
`configure private` with changes asks, `rollback` loads an older configuration, the history
lists the commits, and `write memory` saves startup-config.
@@ # a fixed config-key: sealed secrets print the same at every run
@@ file state/config-key 600
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
@@ mask \S+ +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d => USER YYYY-MM-DD hh:mm:ss
@@ pty
@@ input
> terminal length 0
> show configuration changes
> conf t
> hostname gw1
> crypto ipsec policy ESP
> encryption aes256-gcm
> exit
> ipsec tunnel T1
> ipsec-policy ESP
> ike-policy 5
> show configuration changes
> commit check
> commit
> no ike-policy 5
> remote-address 192.0.2.2
> commit check
> authentication pre-share key "s3cret key"
> commit comment first tunnel
> hostname gw2
> abort
> configure private
> hostname gw3
> end
> cancel
> show configuration changes
> end
> yes
> show configuration commit list
> conf t
> rollback 1
> show configuration changes
> commit
> rollback 9
> end
> show configuration commit changes 3
> show startup-config
> write memory
> show startup-config
@@ screen
ikesh#terminal length 0
ikesh#show configuration changes
No configuration changes.
ikesh#conf t
ikesh(config)#hostname gw1
ikesh(config)#crypto ipsec policy ESP
ikesh(config-ipsec-policy)#encryption aes256-gcm
ikesh(config-ipsec-policy)#exit
ikesh(config)#ipsec tunnel T1
ikesh(config-ipsec-tunnel)#ipsec-policy ESP
ikesh(config-ipsec-tunnel)#ike-policy 5
ikesh(config-ipsec-tunnel)#show configuration changes
+ hostname gw1
+ !
+ crypto ipsec policy ESP
+  encryption aes256-gcm
+ !
+ ipsec tunnel T1
+  ike-policy 5
+  ipsec-policy ESP
+ !
SAs after the commit:
  tunnel T1: created
ikesh(config-ipsec-tunnel)#commit check
% Error: Commit check failed: the candidate configuration has 3 errors:
%   tunnel T1: ike-policy 5 does not exist
%   tunnel T1: remote-address is needed unless start-mode is responder-only
%   tunnel T1: authentication is not configured
ikesh(config-ipsec-tunnel)#commit
% Error: Failed to commit: the candidate configuration has 3 errors:
%   tunnel T1: ike-policy 5 does not exist
%   tunnel T1: remote-address is needed unless start-mode is responder-only
%   tunnel T1: authentication is not configured
ikesh(config-ipsec-tunnel)#no ike-policy 5
ikesh(config-ipsec-tunnel)#remote-address 192.0.2.2
ikesh(config-ipsec-tunnel)#commit check
% Error: Commit check failed: the candidate configuration has 1 error:
%   tunnel T1: authentication is not configured
ikesh(config-ipsec-tunnel)#authentication pre-share key "s3cret key"
ikesh(config-ipsec-tunnel)#commit comment first tunnel
gw1(config-ipsec-tunnel)#hostname gw2
gw1(config)#abort
gw1#configure private
gw1(config)#hostname gw3
gw1(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 cancel
gw1(config)#show configuration changes
- hostname gw1
+ hostname gw3
  !
gw1(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 yes
gw3#show configuration commit list
SNo. ID         User             Time                Comment
1    2          USER YYYY-MM-DD hh:mm:ss
2    1          USER YYYY-MM-DD hh:mm:ss first tunnel
gw3#conf t
gw3(config)#rollback 1
Loaded the configuration of 1 commit ago into the candidate; review it with `sho
w configuration changes`, then `commit`.
gw3(config)#show configuration changes
- hostname gw3
+ hostname gw1
  !
gw3(config)#commit
gw1(config)#rollback 9
% Error: rollback 9: the history holds fewer commits
gw1(config)#end
gw1#show configuration commit changes 3
- hostname gw3
+ hostname gw1
  !
gw1#show startup-config
% Error: startup-config is not present
gw1#write memory
Building configuration...
[OK]
gw1#show startup-config
hostname gw1
!
crypto ipsec policy ESP
 encryption aes256-gcm
!
ipsec tunnel T1
 ipsec-policy ESP
 remote-address 192.0.2.2
 authentication pre-share key *****
!
gw1#
@@ # the next ikesh resumes the running configuration and its history
@@ run -c "show running-config" -c "show configuration commit list"
@@ stdout
Building configuration...
hostname gw1
!
crypto ipsec policy ESP
 encryption aes256-gcm
!
ipsec tunnel T1
 ipsec-policy ESP
 remote-address 192.0.2.2
 authentication pre-share key 6 __DvhgnQXgS6O0VEp9MKj7X9V3r2I-YU1cM
!
SNo. ID         User             Time                Comment
1    3          USER YYYY-MM-DD hh:mm:ss
2    2          USER YYYY-MM-DD hh:mm:ss
3    1          USER YYYY-MM-DD hh:mm:ss first tunnel
