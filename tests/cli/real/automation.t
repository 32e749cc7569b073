What Ansible's cisco.ios / cisco.iosxr plugins and netmiko send at connect
and around a configuration push: `show privilege` (15 for an admin),
`enable` and `disable` (nothing to do for an admin), `terminal exec prompt
no-timestamp`, `show version | utility head -n 20`, `show running-config
hostname`, `show commit changes diff` in configuration mode, `commit
show-error`, and `show configuration failed` after a refused commit.
With its commit_confirm options Ansible's ios plugin checks `show archive`
and `show archive config rollback timer`, then sends `configure terminal
revert timer N` (leaving commits as `commit confirmed N`) and `configure
confirm`.
@@ mask \d+ seconds left => N seconds left
@@ pty
@@ input
> terminal length 0
> terminal width 512
> terminal width 0
> terminal exec prompt no-timestamp
> show privilege
> enable
> disable
> show privilege
> show configuration commit list | utility head -n 1
> show running-config hostname
> show configuration failed
> configure terminal
> hostname edge1
> show commit changes diff
> commit show-error
> show running-config hostname
> ipsec tunnel T
> show commit changes diff
> commit show-error
> abort
> show configuration failed
> show version | utility tail
> show archive
> show archive config rollback timer
> configure terminal revert timer 5
> hostname edge2
> end
> show archive config rollback timer
> configure confirm
> show archive config rollback timer
> configure confirm
@@ screen
ikesh#terminal length 0
ikesh#terminal width 512
ikesh#terminal width 0
ikesh#terminal exec prompt no-timestamp
ikesh#show privilege
Current privilege level is 15
ikesh#enable
ikesh#disable
ikesh#show privilege
Current privilege level is 15
ikesh#show configuration commit list | utility head -n 1
SNo. ID         User             Time                Comment
ikesh#show running-config hostname
ikesh#show configuration failed
No failed commit in this session.
ikesh#configure terminal
ikesh(config)#hostname edge1
ikesh(config)#show commit changes diff
+ hostname edge1
+ !
ikesh(config)#commit show-error
edge1(config)#show running-config hostname
hostname edge1
edge1(config)#ipsec tunnel T
edge1(config-ipsec-tunnel)#show commit changes diff
+ ipsec tunnel T
+ !
edge1(config-ipsec-tunnel)#commit show-error
% Error: Failed to commit: the candidate configuration has 2 errors:
%   tunnel T: remote-address is needed unless start-mode is responder-only
%   tunnel T: authentication is not configured
edge1(config-ipsec-tunnel)#abort
edge1#show configuration failed
!! The last commit of this session was refused:
!! tunnel T: remote-address is needed unless start-mode is responder-only
!! tunnel T: authentication is not configured
edge1#show version | utility tail
% Error: utility: only `head [-n <1-100000>]` is supported
edge1#show archive
The archive is the commit history, always kept (show configuration commit list;
rollback <0-49>).
edge1#show archive config rollback timer
%No Rollback Confirmed Change pending
edge1#configure terminal revert timer 5
edge1(config)#hostname edge2
edge1(config)#end
Commit 2 applied; it reverts in 5 minutes unless confirmed with `commit` or `con
firm`.
edge2#show archive config rollback timer
Timer type: commit confirmed, N seconds left
edge2#configure confirm
Commit confirmed.
edge2#show archive config rollback timer
%No Rollback Confirmed Change pending
edge2#configure confirm
% Error: No confirmed commit is pending.
edge2#
