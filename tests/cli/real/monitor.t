Engine log lines on the terminal only after `terminal monitor` (IOS's
logging monitor; a pseudo-terminal is no console), until `terminal no
monitor`.
@@ pty
@@ input
> conf t
> hostname quiet
> commit
> end
> terminal monitor
> conf t
> hostname loud
> commit
> end
> terminal no monitor
> conf t
> hostname silent
> commit
> end
> show terminal
@@ screen
ikesh#conf t
ikesh(config)#hostname quiet
ikesh(config)#commit
quiet(config)#end
quiet#terminal monitor
quiet#conf t
quiet(config)#hostname loud
quiet(config)#commit
commit 2 by {user}
loud(config)#end
loud#terminal no monitor
loud#conf t
loud(config)#hostname silent
loud(config)#commit
silent(config)#end
silent#show terminal
Length: 24 lines, Width: 80 columns
Monitor: off
silent#
