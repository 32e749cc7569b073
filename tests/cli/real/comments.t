`!` and `#` start a comment only as the first character of a line (after
blanks), the same in a script and at the prompt: inside a line they are
text, so a description keeps its `#2` and reads back as typed.
@@ config site-to-site-a.cfg
@@ file isp.ikesh
configure terminal
 ipsec tunnel BRANCH
  # a comment line
  ! and another
  description Link to ISP #2
  end
@@ run -f {tmp}/isp.ikesh
@@ run -c "show running-config | include description"
@@ stdout
 description Link to ISP #2
@@ run -c "configure terminal" -c "hostname R1 ! not a comment"
@@ stderr
-c:2: % Invalid input detected at '!'
@@ exit 1
@@ pty
@@ input
> configure terminal
> ipsec tunnel BRANCH
>   # typed comment lines are skipped
> ! as in a pasted script
> description Link to ISP #3 ! both kept
> commit
> end
> show running-config | include ISP
@@ screen
hq-gw#configure terminal
hq-gw(config)#ipsec tunnel BRANCH
hq-gw(config-ipsec-tunnel)#  # typed comment lines are skipped
hq-gw(config-ipsec-tunnel)#! as in a pasted script
hq-gw(config-ipsec-tunnel)#description Link to ISP #3 ! both kept
hq-gw(config-ipsec-tunnel)#commit
hq-gw(config-ipsec-tunnel)#end
hq-gw#show running-config | include ISP
 description Link to ISP #3 ! both kept
hq-gw#
