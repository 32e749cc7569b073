Every mode and its prompt; abbreviations; `exit` goes up one mode, `end`
and Ctrl-Z return to EXEC; a global command typed in a sub-mode runs and
moves to (config); `do` and `show` work in configuration modes.  Here in
`configure private`, leaving with (incomplete) changes asks what to do.
@@ pty
@@ input
> conf priv
> crypto ikev2 policy 10
> exit
> crypto ikev1 policy 20
> exit
> crypto ipsec policy ESP
> exit
> ipsec tunnel HQ
> exit
> exit
> no
> configure private
> ipsec tunnel HQ
> hostname R1
> crypto ikev2 policy 10
> end
> no
> conf priv
> crypto ipsec policy ESP
+ <C-z>
> no
> conf priv
> ipsec tunnel HQ
> do show configuration changes
> show terminal
> abort
> sh ver
> exit
@@ screen
ikesh#conf priv
ikesh(config)#crypto ikev2 policy 10
ikesh(config-ikev2-policy)#exit
ikesh(config)#crypto ikev1 policy 20
ikesh(config-ikev1-policy)#exit
ikesh(config)#crypto ipsec policy ESP
ikesh(config-ipsec-policy)#exit
ikesh(config)#ipsec tunnel HQ
ikesh(config-ipsec-tunnel)#exit
ikesh(config)#exit
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 no
ikesh#configure private
ikesh(config)#ipsec tunnel HQ
ikesh(config-ipsec-tunnel)#hostname R1
ikesh(config)#crypto ikev2 policy 10
ikesh(config-ikev2-policy)#end
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 no
ikesh#conf priv
ikesh(config)#crypto ipsec policy ESP
ikesh(config-ipsec-policy)#^Z
Uncommitted changes found, commit them before exiting (yes/no/cancel)? [cancel]:
 no
ikesh#conf priv
ikesh(config)#ipsec tunnel HQ
ikesh(config-ipsec-tunnel)#do show configuration changes
+ ipsec tunnel HQ
+ !
SAs after the commit:
  tunnel HQ: created
ikesh(config-ipsec-tunnel)#show terminal
Length: 24 lines, Width: 80 columns
Monitor: off
ikesh(config-ipsec-tunnel)#abort
ikesh#sh ver
ikesh version 0.1.0
Engine: embedded
ikesh#exit
@@ exit 0
