exec-timeout: an interactive session that sits at the prompt without a key
for that many minutes is logged out (the shortest is one minute, so this
waits); the setting applies from the next prompt on, and the shell exits
cleanly, terminal restored.
@@ pty
@@ input
> conf t
> exec-timeout 1
> commit
> end
+ <SLEEP 64>
@@ screen
ikesh#conf t
ikesh(config)#exec-timeout 1
ikesh(config)#commit
ikesh(config)#end
% Session idle for 1 minute: logged out
@@ exit 0
