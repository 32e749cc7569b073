SIGHUP (and SIGTERM, which ends every transcript without an expected
exit) end the session and restore the terminal, from the prompt in the
middle of a line, from --More--, and from a question.
@@ pty
@@ input
+ show ver<SIGHUP>
@@ screen
ikesh#show ver
@@ exit 0
@@ pty
@@ input
> terminal length 3
> show lines 5
+ <SIGHUP>
@@ screen
ikesh#terminal length 3
ikesh#show lines 5
line 1
line 2
@@ exit 0
@@ pty
@@ input
> conf t
> hostname R1
> end
+ y<SIGTERM>
@@ screen
ikesh#conf t
ikesh(config)#hostname R1
ikesh(config)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 y
@@ exit 0
@@ # job-control stops are ignored: the shell keeps answering
@@ pty
@@ input
+ <SIGTSTP>
+ <SIGTTOU>
+ <SIGTTIN>
> show lines 1
+ <SIGINT>
> show lines 2
@@ screen
ikesh#show lines 1
line 1
ikesh#show lines 2
line 1
line 2
ikesh#
