Ctrl-C drops the line being typed; Ctrl-Z runs the line (if any) and then
`end`, and does nothing in EXEC mode; Ctrl-D is ignored at an empty
configuration prompt, deletes a character in a line, and logs out at an
empty EXEC prompt.
@@ pty
@@ input
+ show ver<C-c>
+ <C-z>
> conf t
+ <C-d>
+ tunnel HQ<C-z>
> conf t
+ hostname R2<C-z>
> no
+ <C-z>
+ show<C-a><C-d><C-d><C-c>
> conf t
> tunnel HQ
+ <C-z>
+ <C-d>
@@ screen
ikesh#show ver^C
ikesh#conf t
ikesh(config)#tunnel HQ^Z
ikesh#conf t
ikesh(config)#hostname R2^Z
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 no
ikesh#ow^C
ikesh#conf t
ikesh(config)#tunnel HQ
ikesh(config-tunnel)#^Z
ikesh#
@@ exit 0
