The page length is the terminal's height (TIOCGWINSZ) and follows the
window when it is resized (SIGWINCH), until `terminal length` sets one.
@@ config site-to-site-a.cfg
@@ pty
@@ input
> show terminal
+ <ROWS 40>
> show terminal
+ <ROWS 8>
> show running-config
+ q
> terminal length 10
+ <ROWS 50>
> show terminal
@@ screen
hq-gw#show terminal
Length: 24 lines, Width: 80 columns
Monitor: off
hq-gw#show terminal
Length: 40 lines, Width: 80 columns
Monitor: off
hq-gw#show running-config
Building configuration...
hostname hq-gw
!
crypto ikev2 policy 10
 encryption aes256-gcm
 prf sha256
 group 19 14
hq-gw#terminal length 10
hq-gw#show terminal
Length: 10 lines, Width: 80 columns
Monitor: off
hq-gw#
