What the screen shows while --More-- waits (the last 24 rows).
@@ pty
@@ input
> terminal length 4
> show lines 10
@@ screen visible
ikesh#terminal length 4
ikesh#show lines 10
line 1
line 2
line 3
 --More--
