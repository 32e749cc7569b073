`<cr>` is offered only where the line can run: `authentication` alone is
incomplete (its handler exists for `no authentication` only), so its help
must not list `<cr>`.
@@ pty
@@ input
> conf t
> ipsec tunnel T
+ authentication ?
+ <C-u>
> authentication
> abort
@@ screen
ikesh#conf t
ikesh(config)#ipsec tunnel T
ikesh(config-ipsec-tunnel)#authentication ?
  certificate  Certificate from a trustpoint
  pre-share    Pre-shared key
ikesh(config-ipsec-tunnel)#authentication
% Incomplete command.

ikesh(config-ipsec-tunnel)#abort
ikesh#
