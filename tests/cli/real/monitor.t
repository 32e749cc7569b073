Engine log lines on the terminal: warnings and errors always (see
confirmed.t), notices and information only after `terminal monitor`.
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
loud#
