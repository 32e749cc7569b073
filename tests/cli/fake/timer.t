Engine timers run while the prompt waits: a confirmed commit that is not
confirmed reverts by itself; its log line is printed above the prompt
(of a session with `terminal monitor`),
the prompt follows the restored hostname, and the half-typed line stays.
@@ pty
@@ input
> terminal monitor
> conf t
> hostname R5
> commit confirmed 1
+ show ver<SLEEP 2.5>
+ <CR>
@@ screen
ikesh#terminal monitor
ikesh#conf t
ikesh(config)#hostname R5
ikesh(config)#commit confirmed 1
Commit applied; it reverts in 1 seconds unless confirmed.
Confirmed commit timed out: the previous configuration is restored.
ikesh(config)#show ver
ikesh (fake command layer)
ikesh(config)#
