startup-config is loaded when the engine opens; its errors are printed
(with line numbers) and the engine starts empty.
@@ config bad.cfg
@@ run -c "show running-config"
@@ stdout
hostname ikesh
@@ stderr
startup-config:2: % Invalid input detected at 'bogus'
@@ pty
@@ input
> show running-config
@@ screen
startup-config:2: % Invalid input detected at 'bogus'
ikesh#show running-config
hostname ikesh
ikesh#
