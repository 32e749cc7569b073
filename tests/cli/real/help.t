`?` at several points: the words that may come next with their help, the
words a partial word may become, values with their range, `<cr>` when
the line could run, and the line put back without the `?`.
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
  debug      Debugging functions (output with terminal monitor)
  exit       Leave the shell
  logout     Leave the shell
  quit       Leave the shell
  show       Show running system information
  terminal   Set terminal line parameters
  undebug    Disable debugging functions
  write      Save the running configuration
hq-gw#show ?
  configuration   The candidate configuration
  crypto          Encryption module
  debugging       Debugging that is on
  firewall        The nftables rules kept for firewall-rule
  ipsec           IPsec tunnels
  logging         Recent log messages
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
  <cr>
hq-gw#terminal length ?
  <0-512>  Number of lines
hq-gw#sh run | ?
  begin      Begin with the line that matches
  count      Count number of lines
  exclude    Exclude lines that match
  include    Include lines that match
  section    Filter a section of output
hq-gw#conf t
hq-gw(config)#?
  abort         Discard the candidate and leave configuration mode
  commit        Apply the candidate configuration
  confirm       Keep a commit made with `commit confirmed`
  crypto        IKE and IPsec policies
  do            Run an EXEC command
  end           Leave configuration mode
  exec-timeout  Log idle interactive sessions out (default 10 minutes)
  exit          Leave configuration mode
  hostname      Set the system's name
  ipsec         IPsec tunnels
  no            Negate a command or set its default
  rollback      Load an earlier configuration into the candidate
hq-gw(config)#crypto ?
  ikev1  IKEv1 (ISAKMP) policies
  ikev2  IKEv2 policies
  ipsec  IPsec policies
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
