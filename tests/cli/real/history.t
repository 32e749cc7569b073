History never holds a secret: a line with a pre-shared key or an XAUTH
password is remembered with `*****` in its place, valid or not.
@@ pty
@@ input
> conf t
> ipsec tunnel T
> authentication pre-share key "top secret"
> xauth username alice password hunter2
> authentication pre-share key s3cr3t extra
+ <UP>
+ <C-c>
+ <UP><UP>
+ <C-c>
+ <UP><UP><UP>
+ <C-c>
> abort
@@ screen
ikesh#conf t
ikesh(config)#ipsec tunnel T
ikesh(config-ipsec-tunnel)#authentication pre-share key "top secret"
ikesh(config-ipsec-tunnel)#xauth username alice password hunter2
ikesh(config-ipsec-tunnel)#authentication pre-share key s3cr3t extra
                                                               ^
% Invalid input detected at '^' marker.

ikesh(config-ipsec-tunnel)#authentication pre-share key ***** *****^C
ikesh(config-ipsec-tunnel)#xauth username alice password *****^C
ikesh(config-ipsec-tunnel)#authentication pre-share key *****^C
ikesh(config-ipsec-tunnel)#abort
ikesh#
