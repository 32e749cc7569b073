Ctrl-C during unpaged output stops the command: "^C" ends the output and
the prompt comes back (the last 24 rows are compared).
@@ pty
@@ input
> terminal length 0
> show forever<SLEEP 1><NOSETTLE>
+ <C-c>
> show version
@@ screen visible
y
y
y
y
y
y
y
y
y
y
y
y
y
y
y
y
y
y
y
y
^C
ikesh#show version
ikesh (fake command layer)
ikesh#
