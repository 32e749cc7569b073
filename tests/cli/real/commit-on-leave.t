`configure terminal` commits the candidate when configuration mode is
left (`end`, `exit` from (config), Ctrl-Z) without a question, as IOS
applies what was typed; a failed commit prints `% Error: Failed to
commit: ...` with one line per violation and stays in configuration mode
with the candidate kept, so the mistake can be fixed and the commit
retried.  `configure exclusive` and `configure private` ask instead.
`rollback`, `commit check`, `show configuration changes` and `commit` work
in every mode: a rollback in `configure terminal` is committed on `end`.
@@ # a fixed config-key: sealed secrets print the same at every run
@@ file state/config-key 600
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
@@ pty
@@ input
> terminal length 0
> conf t
> hostname R2
> end
> configure terminal
> ipsec tunnel X
> ike-policy 5
> end
> show configuration changes
> no ike-policy 5
> remote-address 192.0.2.9
> authentication pre-share key leave-test-key
> exit
> exit
> show running-config | section tunnel
> conf t
> ipsec tunnel X
> description no remote
> no remote-address 192.0.2.9
> exit
> exit
> abort
> configure exclusive
> hostname R3
> end
> yes
> configure private
> hostname R4
> exit
> no
> show configuration commit list | count
> conf t
> rollback 1
> show configuration changes
> end
> configure private
> hostname R5
> commit check
> show configuration changes
> commit
> end
@@ screen
ikesh#terminal length 0
ikesh#conf t
ikesh(config)#hostname R2
ikesh(config)#end
R2#configure terminal
R2(config)#ipsec tunnel X
R2(config-ipsec-tunnel)#ike-policy 5
R2(config-ipsec-tunnel)#end
% Error: Failed to commit: the candidate configuration has 3 errors:
%   tunnel X: ike-policy 5 does not exist
%   tunnel X: remote-address is needed unless start-mode is responder-only
%   tunnel X: authentication is not configured
R2(config-ipsec-tunnel)#show configuration changes
+ ipsec tunnel X
+  ike-policy 5
+ !
SAs after the commit:
  tunnel X: created
R2(config-ipsec-tunnel)#no ike-policy 5
R2(config-ipsec-tunnel)#remote-address 192.0.2.9
R2(config-ipsec-tunnel)#authentication pre-share key leave-test-key
R2(config-ipsec-tunnel)#exit
R2(config)#exit
R2#show running-config | section tunnel
ipsec tunnel X
 remote-address 192.0.2.9
 authentication pre-share key 6 DKpXXnMGt7fghxwRN2D-NQ9GYukHrpKVOPIxAyzz
R2#conf t
R2(config)#ipsec tunnel X
R2(config-ipsec-tunnel)#description no remote
R2(config-ipsec-tunnel)#no remote-address 192.0.2.9
R2(config-ipsec-tunnel)#exit
R2(config)#exit
% Error: Failed to commit: the candidate configuration has 1 error:
%   tunnel X: remote-address is needed unless start-mode is responder-only
R2(config)#abort
R2#configure exclusive
R2(config)#hostname R3
R2(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 yes
R3#configure private
R3(config)#hostname R4
R3(config)#exit
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 no
R3#show configuration commit list | count
Number of lines which match regexp = 4
R3#conf t
R3(config)#rollback 1
Loaded the configuration of 1 commit ago into the candidate; review it with `sho
w configuration changes`, then `commit`.
R3(config)#show configuration changes
- hostname R3
+ hostname R2
  !
R3(config)#end
R2#configure private
R2(config)#hostname R5
R2(config)#commit check
Configuration is valid.
R2(config)#show configuration changes
- hostname R2
+ hostname R5
  !
R2(config)#commit
R5(config)#end
R5#
