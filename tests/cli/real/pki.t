Key pairs and trustpoints at the terminal and in scripts: the
(ca-trustpoint) mode and its help, the trustpoint in running-config,
a key pair generated and shown (its public half only), a DN that is no
name refused at commit, a certificate tunnel refused while its trustpoint
has no CA, an import into an unknown trustpoint, a pasted-PEM command in a
script told to use a file, and no private key anywhere.
@@ mask Fingerprint SHA256: [0-9A-F:]+ => Fingerprint SHA256: FP
@@ mask ^  [A-Za-z0-9+/=]{1,64}$ => <b64>
@@ pty
@@ input
> conf t
> crypto pki trustpoint HQ-CA
> ?
> keypair gw
> subject-name C=DE, O=Example, CN=gw1
> revocation-check crl
> crl file /etc/ikesh/hq.crl
> commit
> end
> show running-config
> exit
@@ screen
ikesh#conf t
ikesh(config)#crypto pki trustpoint HQ-CA
ikesh(ca-trustpoint)#?
  abort             Discard the candidate and leave configuration mode
  commit            Apply the candidate configuration
  confirm           Keep a commit made with `commit confirmed`
  crl               Certificate revocation list
  default           Set a command to its default
  do                Run an EXEC command
  end               Leave configuration mode
  exit              Go up one mode
  keypair           The key pair of this trustpoint
  no                Negate a command or set its default
  revocation-check  How peer certificates are checked
  rollback          Load an earlier configuration into the candidate
  subject-name      Subject of the certificate request (crypto pki enroll)
ikesh(ca-trustpoint)#
ikesh(ca-trustpoint)#keypair gw
ikesh(ca-trustpoint)#subject-name C=DE, O=Example, CN=gw1
ikesh(ca-trustpoint)#revocation-check crl
ikesh(ca-trustpoint)#crl file /etc/ikesh/hq.crl
ikesh(ca-trustpoint)#commit
ikesh(ca-trustpoint)#end
ikesh#show running-config
Building configuration...
crypto pki trustpoint HQ-CA
 keypair gw
 subject-name C=DE, O=Example, CN=gw1
 revocation-check crl
 crl file /etc/ikesh/hq.crl
!
ikesh#exit
@@ file keys.ikesh
crypto key generate ed25519 label gw
show crypto key mypubkey
show crypto pki trustpoints
@@ run -f {tmp}/keys.ikesh
@@ stdout
% Key pair gw generated
Key name: gw
 Key type: Ed25519
 Fingerprint SHA256: FP
 Key Data:
  -----BEGIN PUBLIC KEY-----
<b64>
  -----END PUBLIC KEY-----
Trustpoint HQ-CA:
  Key pair: gw (present)
  CA certificates: 0
  Certificate: none
  Revocation check: crl (no CRL yet)
@@ file bad-dn.ikesh
configure terminal
 crypto pki trustpoint HQ-CA
  subject-name CN=gw1, XX=nope
 ipsec tunnel HQ
  local-address 192.0.2.1
  remote-address 192.0.2.2
  authentication certificate HQ-CA
  local-id dn "C=DE, O=Example, CN=gw1"
@@ run -f {tmp}/bad-dn.ikesh
@@ stderr
{tmp}/bad-dn.ikesh: % Error: Failed to commit: the candidate configuration has 2 errors:
{tmp}/bad-dn.ikesh: %   trustpoint HQ-CA: subject-name CN=gw1, XX=nope is not a distinguished name
{tmp}/bad-dn.ikesh: %   tunnel HQ: trustpoint HQ-CA has no CA certificate (crypto pki authenticate HQ-CA)
@@ exit 1
@@ file import.ikesh
crypto pki authenticate NOPE file /dev/null
crypto pki authenticate HQ-CA
@@ run -f {tmp}/import.ikesh
@@ stderr
{tmp}/import.ikesh:1: % cannot read /dev/null: not a regular file
@@ exit 1
@@ file import2.ikesh
crypto pki authenticate HQ-CA
@@ run -f {tmp}/import2.ikesh
@@ stderr
{tmp}/import2.ikesh:1: % no CA certificate(s) given: use `file PATH` in scripts
@@ exit 1
