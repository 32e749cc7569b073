`?` at several points: the words that may come next with their help, the
words a partial word may become, values with their range, `<cr>` when
the line could run, and the line put back without the `?`.
@@ # a fixed config-key: sealed secrets print the same at every run
@@ file state/config-key 600
000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f
@@ config site-to-site-a.cfg
@@ pty
@@ input
+ ?
+ show ?
+ <C-u>show cr?
+ <C-u>show r?
+ <C-u>show configuration ?
+ <C-u>terminal length ?
+ <C-u>sh run | ?
+ <C-u>
> conf t
+ ?
+ <C-u>crypto ?
+ <C-u>
> crypto ikev2 policy 10
+ encryption ?
+ <C-u>encryption aes256 ?
+ <C-u>group ?
+ <C-u>lifetime ?
+ <C-u>
> exit
> ipsec tunnel BRANCH
+ authentication pre-share key "a?b"<CR>
> abort
@@ screen
hq-gw#?
  clear      Reset functions
  configure  Enter configuration mode
  copy       Copy a configuration
  crypto     Key pairs and certificates
  debug      Debugging functions (output with terminal monitor)
  disable    Leave privileged mode (admins stay)
  enable     Privileged commands (admins have them already)
  exit       Leave the shell
  logout     Leave the shell
  no         Negate a command
  ping       Send ICMP echoes (through a tunnel, to check it)
  quit       Leave the shell
  show       Show running system information
  terminal   Set terminal line parameters
  undebug    Disable debugging functions
  write      Save the running configuration
hq-gw#show ?
  archive         The configuration archive (commit history)
  clock           Display the system clock
  commit          The commit of this session
  configuration   The candidate configuration
  crypto          Encryption module
  debugging       Debugging that is on
  firewall        The nftables rules kept for firewall-rule
  history         Lines typed in this session
  ip              IP information
  ipsec           IPsec tunnels
  logging         Recent log messages
  privilege       The privilege level of this session
  running-config  Current operating configuration
  startup-config  Contents of startup configuration
  terminal        Terminal settings
  users           Sessions of the engine
  version         System software version
hq-gw#show cr?
crypto
hq-gw#show r?
running-config
hq-gw#show configuration ?
  changes  Candidate changes against running
  commit   Commit history
  failed   Why this session's last commit was refused
  <cr>
hq-gw#terminal length ?
  <0-512>  Number of lines
hq-gw#sh run | ?
  begin      Begin with the line that matches
  count      Count number of lines
  exclude    Exclude lines that match
  include    Include lines that match
  json       The data as JSON (show commands)
  section    Filter a section of output
hq-gw#conf t
hq-gw(config)#?
  abort         Discard the candidate and leave configuration mode
  commit        Apply the candidate configuration
  confirm       Keep a commit made with `commit confirmed`
  crypto        IKE and IPsec policies
  default       Set a command to its default
  do            Run an EXEC command
  end           Leave configuration mode
  exec-timeout  Log idle interactive sessions out (default 10 minutes)
  exit          Leave configuration mode
  hostname      Set the system's name
  ipsec         IPsec tunnels
  key           Key management
  no            Negate a command or set its default
  rollback      Load an earlier configuration into the candidate
hq-gw(config)#crypto ?
  ikev1  IKEv1 (ISAKMP) policies
  ikev2  IKEv2 policies and limits
  ipsec  IPsec policies
  pki    Public key infrastructure
hq-gw(config)#crypto ikev2 policy 10
hq-gw(config-ikev2-policy)#encryption ?
  3des               Triple DES (legacy)
  aes128             AES-CBC with a 128-bit key
  aes128-gcm         AES-GCM with a 128-bit key (AEAD)
  aes192             AES-CBC with a 192-bit key
  aes256             AES-CBC with a 256-bit key
  aes256-gcm         AES-GCM with a 256-bit key (AEAD)
  chacha20-poly1305  ChaCha20-Poly1305 (AEAD)
hq-gw(config-ikev2-policy)#encryption aes256 ?
  3des               Triple DES (legacy)
  aes128             AES-CBC with a 128-bit key
  aes128-gcm         AES-GCM with a 128-bit key (AEAD)
  aes192             AES-CBC with a 192-bit key
  aes256             AES-CBC with a 256-bit key
  aes256-gcm         AES-GCM with a 256-bit key (AEAD)
  chacha20-poly1305  ChaCha20-Poly1305 (AEAD)
  <cr>
hq-gw(config-ikev2-policy)#group ?
  1   768-bit MODP (insecure)
  2   1024-bit MODP
  5   1536-bit MODP
  14  2048-bit MODP
  15  3072-bit MODP
  16  4096-bit MODP
  19  256-bit random ECP
  20  384-bit random ECP
  21  521-bit random ECP
  31  Curve25519
hq-gw(config-ikev2-policy)#lifetime ?
  <120-86400>  Lifetime in seconds
hq-gw(config-ikev2-policy)#exit
hq-gw(config)#ipsec tunnel BRANCH
hq-gw(config-ipsec-tunnel)#authentication pre-share key "a?b"
hq-gw(config-ipsec-tunnel)#abort
hq-gw#
