Each syntax error: the caret sits under the first bad word, counting the
prompt's width (so it moves with the mode), a refused value says why,
then ambiguous and incomplete commands.
@@ pty
@@ input
> shw running-config
> show runing-config
> c
> show c
> conf t
> crypto ikev3 policy 1
> crypto ikev2 policy 70000
> crypto ikev2
> crypto ikev2 policy 7
> encryption aes512
> group 19 3
> lifetime 10
> exit
> ipsec tunnel T1
> local-address 300.1.2.3
> remote-address 192.0.2.1 extra
> description "unterminated
> dpd interval 10
> e
> abort
@@ screen
ikesh#shw running-config
      ^
% Invalid input detected at '^' marker.

ikesh#show runing-config
           ^
% Invalid input detected at '^' marker.

ikesh#c
% Ambiguous command: "c"

ikesh#show c
% Ambiguous command: "show c"

ikesh#conf t
ikesh(config)#crypto ikev3 policy 1
                     ^
% Invalid input detected at '^' marker.

ikesh(config)#crypto ikev2 policy 70000
                                  ^
% Invalid input detected at '^' marker.
% 70000 is out of range 1-65535

ikesh(config)#crypto ikev2
% Incomplete command.

ikesh(config)#crypto ikev2 policy 7
ikesh(config-ikev2-policy)#encryption aes512
                                      ^
% Invalid input detected at '^' marker.

ikesh(config-ikev2-policy)#group 19 3
                                    ^
% Invalid input detected at '^' marker.

ikesh(config-ikev2-policy)#lifetime 10
                                    ^
% Invalid input detected at '^' marker.
% 10 is out of range 120-86400

ikesh(config-ikev2-policy)#exit
ikesh(config)#ipsec tunnel T1
ikesh(config-ipsec-tunnel)#local-address 300.1.2.3
                                         ^
% Invalid input detected at '^' marker.
% 300.1.2.3 is not an IPv4 or IPv6 address

ikesh(config-ipsec-tunnel)#remote-address 192.0.2.1 extra
                                                    ^
% Invalid input detected at '^' marker.

ikesh(config-ipsec-tunnel)#description "unterminated
                                       ^
% Invalid input detected at '^' marker.
% unterminated quote

ikesh(config-ipsec-tunnel)#dpd interval 10
% Incomplete command.

ikesh(config-ipsec-tunnel)#e
% Ambiguous command: "e"

ikesh(config-ipsec-tunnel)#abort
ikesh#
