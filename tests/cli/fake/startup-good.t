The prompt carries the hostname of the configuration loaded at start.
@@ config good.cfg
@@ pty
@@ input
> conf t
@@ screen
R7#conf t
R7(config)#
