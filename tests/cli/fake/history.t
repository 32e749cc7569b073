History is in memory, and a line holding a secret is remembered with
`*****` in its place: recalling it never shows the key.
@@ pty
@@ input
> conf t
> tunnel HQ
> key s3cret-Key
> description HQ link
+ <UP>
+ <UP>
+ <UP>
+ <DOWN><DOWN>
+ <UP><UP>
+ <CR>
@@ screen
ikesh#conf t
ikesh(config)#tunnel HQ
ikesh(config-tunnel)#key s3cret-Key
ikesh(config-tunnel)#description HQ link
ikesh(config-tunnel)#tunnel HQ
ikesh(config-tunnel)#
