IOS habits at EXEC: `show clock` (IOS's shape), `show history` (the
lines typed, a key masked, the command itself last), `show ip interface
brief` (one line per interface), `no debug all` as `undebug all`, and
`no debug ...` for one debug; each with `| json`.
@@ mask ^\d\d:\d\d:\d\d\.\d{3} [A-Z]+ [A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{4}$ => HH:MM:SS.mmm ZONE Day Mon D YYYY
@@ mask "time": \d+, => "time": N,
@@ mask "text": "[^"]*", => "text": "T",
@@ pty
@@ input
> show clock
> show clock | json
> configure terminal
> ipsec tunnel T
> authentication pre-share key s3cret
> abort
> show history
> show history | json | include key
> show ip interface brief | include ^(Interface|lo )
> show ip interface brief | json | include "name": "lo"
> debug crypto ikev2
> debug kernel xfrm
> no debug kernel xfrm
> show debugging
> no debug all
> show debugging
+ no debug crypto ?
@@ screen
ikesh#show clock
HH:MM:SS.mmm ZONE Day Mon D YYYY
ikesh#show clock | json
{
  "time": N,
  "text": "T",
  "timezone": "UTC"
}
ikesh#configure terminal
ikesh(config)#ipsec tunnel T
ikesh(config-ipsec-tunnel)#authentication pre-share key s3cret
ikesh(config-ipsec-tunnel)#abort
ikesh#show history
  show clock
  show clock | json
  configure terminal
  ipsec tunnel T
  authentication pre-share key *****
  abort
  show history
ikesh#show history | json | include key
    "authentication pre-share key *****",
    "show history | json | include key"
ikesh#show ip interface brief | include ^(Interface|lo )
Interface              IP-Address         Status                Protocol
lo                     127.0.0.1          up                    up
ikesh#show ip interface brief | json | include "name": "lo"
      "name": "lo",
ikesh#debug crypto ikev2
% Debug output goes to sessions with `terminal monitor`
ikesh#debug kernel xfrm
% Debug output goes to sessions with `terminal monitor`
ikesh#no debug kernel xfrm
ikesh#show debugging
Debugging:
  Crypto IKEv2 error debugging is on
  Crypto IKEv2 detail debugging is on
ikesh#no debug all
All possible debugging has been turned off
ikesh#show debugging
Debugging:
  none
ikesh#no debug crypto ?
  ikev2  IKEv2 errors and decisions
  ipsec  IPsec SAs installed and removed
  pki    Certificate chains and their verification
ikesh#no debug crypto
