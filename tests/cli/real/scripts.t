Scripts against the real engine: the example script commits once, at its
`commit` line, and then shows what it made (its key keeps `#` and `!`,
masked in show; `#7` in its description is text, not a comment); a
script with an error stops at the first one (FILE:LINE) and commits
nothing, not even its valid lines; errors found at commit are all
listed; --check commits nothing; a secret never appears in a message;
standard input and #! scripts; an explicit `commit` line commits there.
@@ # a fixed config-key: sealed secrets print the same at every run
@@ file state/config-key 600
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
@@ run -f {configs}/add-branch.ikesh
@@ stdout
ipsec tunnel BRANCH-7
 description Branch 7 #7
 ipsec-policy BRANCH-ESP
 local-address 192.0.2.1
 remote-address branch7.example.net
 authentication pre-share key 6 C83Lr_RvyXbaFCzQZjs93zrH5gZD-CH8ENKkz7pZCsf8
 local-subnet 10.1.0.0/24
 remote-subnet 10.7.0.0/24
@@ run -c "show running-config secrets"
@@ stdout
Building configuration...
crypto ipsec policy BRANCH-ESP
 encryption aes128-gcm
!
ipsec tunnel BRANCH-7
 description Branch 7 #7
 ipsec-policy BRANCH-ESP
 local-address 192.0.2.1
 remote-address branch7.example.net
 authentication pre-share key b7#not-a-comment!
 local-subnet 10.1.0.0/24
 remote-subnet 10.7.0.0/24
!
@@ file bad.ikesh
configure terminal
 hostname changed
 ipsec tunnel BRANCH-7
  dpd interval 10 timeout 5 action reboot
  description never applied
@@ run -f {tmp}/bad.ikesh
@@ stderr
{tmp}/bad.ikesh:4: % Invalid input detected at 'reboot'
@@ exit 1
@@ file incomplete.ikesh
configure terminal
 hostname changed
 ipsec tunnel NEW
  remote-address 192.0.2.9
@@ run -f {tmp}/incomplete.ikesh
@@ stderr
{tmp}/incomplete.ikesh: % Error: Failed to commit: the candidate configuration has 1 error:
{tmp}/incomplete.ikesh: %   tunnel NEW: authentication is not configured
@@ exit 1
@@ run --check -f {tmp}/incomplete.ikesh
@@ stderr
{tmp}/incomplete.ikesh: % Error: Commit check failed: the candidate configuration has 1 error:
{tmp}/incomplete.ikesh: %   tunnel NEW: authentication is not configured
@@ exit 1
@@ run --check -c "conf t" -c "hostname checked" -c "commit" -c "end" -c "write memory"
@@ stdout
Configuration is valid.
Configuration is valid.
@@ run -c "conf t" -c "ipsec tunnel BRANCH-7" -c "authentication pre-share key aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-Secret"
@@ stderr
-c:3: % Invalid input detected at '*****': a secret is 1 to 256 characters
@@ exit 1
@@ run
@@ stdin
configure terminal
 hostname from-stdin
 end
show running-config | include hostname
write memory
@@ stdout
Building configuration...
[OK]
@@ file run-me 755
#!{ikesh} -f
show startup-config | include hostname
configure terminal
 hostname second
 commit
 hostname third
 ipsec tunnel X bogus
@@ exec {tmp}/run-me
@@ stdout
hostname from-stdin
@@ stderr
{tmp}/run-me:7: % Invalid input detected at 'bogus'
@@ exit 1
@@ run -c "show running-config | include hostname"
@@ stdout
hostname second
@@ # `do write memory` from configuration mode also saves the final result; --check saves nothing
@@ run -c "conf t" -c "hostname dw" -c "do write memory" -c "hostname dw2"
@@ stdout
Building configuration...
[OK]
@@ run --check -c "conf t" -c "hostname chk" -c "do wr"
@@ stdout
Configuration is valid.
@@ run -c "show startup-config | include hostname"
@@ stdout
hostname dw2
@@ # a save line that cannot be right fails where it stands, and nothing is committed
@@ run -c "conf t" -c "hostname saved-not" -c "end" -c "write bogus"
@@ stderr
-c:4: % Invalid input detected at 'bogus'
@@ exit 1
@@ run -c "show running-config | include hostname" -c "show startup-config | include hostname"
@@ stdout
hostname dw2
hostname dw2
