A startup-config with an error: ikesh says where, applies none of it and
starts with an empty configuration (said once: the engine's log line of
the same failure is not repeated on a pseudo-terminal).
@@ config broken.cfg
@@ pty
@@ input
> show running-config
> show startup-config
@@ screen
startup-config:4: % Invalid input detected at 'rot13'
startup-config: not applied; the engine starts with an empty configuration
ikesh#show running-config
Building configuration...
ikesh#show startup-config
hostname broken
!
crypto ikev2 policy 10
 encryption aes256 rot13
!
ikesh#
