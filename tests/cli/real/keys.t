Keys on the real command tree: Ctrl-Z from a sub-mode is `end` (and asks
about uncommitted changes), Ctrl-C drops a line, Ctrl-D is ignored at an
empty configuration prompt and logs out at an empty EXEC prompt.
@@ pty
@@ input
> conf t
> crypto ikev2 policy 3
+ lifetime 600<C-z>
> no
+ conf t<C-c>
> conf t
+ <C-d>
+ <C-z>
+ <C-d>
@@ screen
ikesh#conf t
ikesh(config)#crypto ikev2 policy 3
ikesh(config-ikev2-policy)#lifetime 600^Z
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 no
ikesh#conf t^C
ikesh#conf t
ikesh(config)#^Z
ikesh#
@@ exit 0
