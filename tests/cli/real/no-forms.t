`ip` is never taken as an abbreviation of `ipsec` (IOS users mean their
own `ip` commands); `no end`, `no exit`, `no commit` and the like are
refused rather than run as if `no` were not there.
@@ config site-to-site-a.cfg
@@ pty
@@ input
> configure terminal
> ip tunnel BRANCH
> ips tunnel BRANCH
> no end
> no exit
> no commit
> no do show version
> exit
> end
@@ screen
hq-gw#configure terminal
hq-gw(config)#ip tunnel BRANCH
              ^
% Invalid input detected at '^' marker.

hq-gw(config)#ips tunnel BRANCH
hq-gw(config-ipsec-tunnel)#no end
                              ^
% Invalid input detected at '^' marker.

hq-gw(config-ipsec-tunnel)#no exit
                              ^
% Invalid input detected at '^' marker.

hq-gw(config-ipsec-tunnel)#no commit
                              ^
% Invalid input detected at '^' marker.

hq-gw(config-ipsec-tunnel)#no do show version
                           ^
% Invalid input detected at '^' marker.

hq-gw(config-ipsec-tunnel)#exit
hq-gw(config)#end
hq-gw#
