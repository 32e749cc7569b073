Keys on the real command tree: Ctrl-Z from a sub-mode is `end` (it commits
after `configure terminal`, and asks about uncommitted changes after
`configure private`), Ctrl-C drops a line, Ctrl-D is ignored at an
empty configuration prompt and logs out at an empty EXEC prompt.
@@ pty
@@ input
> conf t
> crypto ikev2 policy 3
+ lifetime 600<C-z>
> show running-config | section ikev2
> configure private
> crypto ikev2 policy 4
+ lifetime 900<C-z>
> no
> show running-config | include policy
+ conf t<C-c>
> conf t
+ <C-d>
+ <C-z>
+ <C-d>
@@ screen
ikesh#conf t
ikesh(config)#crypto ikev2 policy 3
ikesh(config-ikev2-policy)#lifetime 600^Z
ikesh#show running-config | section ikev2
crypto ikev2 policy 3
 lifetime 600
ikesh#configure private
ikesh(config)#crypto ikev2 policy 4
ikesh(config-ikev2-policy)#lifetime 900^Z
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 no
ikesh#show running-config | include policy
crypto ikev2 policy 3
ikesh#conf t^C
ikesh#conf t
ikesh(config)#^Z
ikesh#
@@ exit 0
