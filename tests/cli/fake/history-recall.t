The recalled line, as it is shown: the key is masked.
@@ pty
@@ input
> conf t
> tunnel HQ
> key s3cret-Key
> description HQ link
+ <UP><UP>
@@ screen
ikesh#conf t
ikesh(config)#tunnel HQ
ikesh(config-tunnel)#key s3cret-Key
ikesh(config-tunnel)#description HQ link
ikesh(config-tunnel)#key *****
