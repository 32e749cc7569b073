#!/usr/bin/env python3
"""Key pairs and certificates from the command line, embedded and through ikeshd.

usage: test_pki_cli.py IKESH IKESHD

A CA, an intermediate and the gateway's certificate are made with the
openssl tool while the test runs (no key is committed).  Each scenario
runs twice: with ikesh's own engine, and with ikesh as a client of
ikeshd.  It checks what the commands print, that the material survives
`write memory` and a restart, that commit refuses a certificate tunnel
whose trustpoint lacks material, that key files are mode 0600 and that no
private key or passphrase reaches any output.
"""
import os
import re
import stat
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'daemon'))
import dlib  # noqa: E402
from dlib import check  # noqa: E402

OUTPUTS = []  # everything ikesh printed, searched for secrets at the end
PASS = 'Tr0ub4dor&3 phrase'
P12PASS = 'p12-Secret!'


def openssl(*args, cwd):
    p = subprocess.run(['openssl'] + list(args), cwd=cwd, capture_output=True, text=True)
    check(p.returncode == 0, 'openssl %s: %s' % (' '.join(args), p.stderr))
    return p.stdout


def make_pki(tmp):
    """Root CA, intermediate CA, a stranger's key and certificate, a PKCS#12 bundle."""
    ext = os.path.join(tmp, 'ext.cnf')
    with open(ext, 'w') as f:
        f.write('[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
                '[ee]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n'
                'subjectAltName=DNS:gw1.example.com,IP:192.0.2.1\n')
    o = lambda *a: openssl(*a, cwd=tmp)  # noqa: E731
    o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/C=DE/O=Example/CN=HQ Root',
      '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    o('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout',
      'int.key', '-out', 'int.csr', '-subj', '/C=DE/O=Example/CN=HQ Sub')
    o('x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key',
      '-set_serial', '2', '-days', '20', '-extfile', ext, '-extensions', 'ca', '-out',
      'int.pem')
    with open(os.path.join(tmp, 'chain.pem'), 'w') as f:
        f.write(open(os.path.join(tmp, 'root.pem')).read())
        f.write(open(os.path.join(tmp, 'int.pem')).read())
    # a certificate for a key that is not ours
    o('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout',
      'other.key', '-out', 'other.csr', '-subj', '/CN=stranger')
    o('x509', '-req', '-in', 'other.csr', '-CA', 'int.pem', '-CAkey', 'int.key',
      '-set_serial', '9', '-days', '5', '-extfile', ext, '-extensions', 'ee', '-out',
      'other.pem')
    # an encrypted key to import, and a PKCS#12 bundle for another trustpoint
    o('genpkey', '-algorithm', 'ED25519', '-aes-256-cbc', '-pass', 'pass:' + PASS, '-out',
      'enc.key')
    o('req', '-new', '-key', 'other.key', '-out', 'p12.csr', '-subj', '/CN=p12 gw')
    o('x509', '-req', '-in', 'p12.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-set_serial',
      '10', '-days', '5', '-extfile', ext, '-extensions', 'ee', '-out', 'p12.pem')
    o('pkcs12', '-export', '-inkey', 'other.key', '-in', 'p12.pem', '-certfile', 'chain.pem',
      '-passout', 'pass:' + P12PASS, '-out', 'gw.p12')


class Ikesh:
    """ikesh with a state directory, embedded or as ikeshd's client."""

    def __init__(self, ikesh, ikeshd, tmp, daemon):
        self.ikesh, self.tmp = ikesh, tmp
        self.d = dlib.Daemon(ikeshd, tmp)
        self.daemon = daemon
        if daemon:
            self.d.start()

    def restart(self):
        if self.daemon:
            check(self.d.stop() == 0, 'ikeshd exited badly: ' + self.d.log_text())
            self.d.start()

    def stop(self):
        if self.daemon:
            check(self.d.stop() == 0, 'ikeshd exited badly: ' + self.d.log_text())

    def env(self):
        env = dlib.env_for(self.d, self.tmp)
        env['IKESH_NO_IKE'] = '1'
        return env

    def script(self, text, want_rc=0):
        path = os.path.join(self.tmp, 'script.txt')
        with open(path, 'w') as f:
            f.write(text)
        p = subprocess.run([self.ikesh, '-f', path], env=self.env(), capture_output=True,
                           text=True, timeout=60)
        OUTPUTS.append(p.stdout + p.stderr)
        check(p.returncode == want_rc, 'exit %d (wanted %d):\n%s\n%s' %
              (p.returncode, want_rc, p.stdout, p.stderr))
        return p.stdout, p.stderr


def has(text, line):
    check(line in text.splitlines(), 'no line %r in:\n%s' % (line, text))


def scenario(ik, tmp):
    f = lambda name: os.path.join(tmp, name)  # noqa: E731
    out, _ = ik.script('crypto key generate ecdsa p256 label gw\n'
                       'crypto key generate rsa modulus 2048 label r1\n'
                       'crypto key generate ed25519 label e1\n')
    for label in ('gw', 'r1', 'e1'):
        has(out, '%% Key pair %s generated' % label)
    mode = os.stat(os.path.join(ik.d.state, 'pki', 'keys', 'gw.pem')).st_mode
    check(stat.S_IMODE(mode) == 0o600, 'key file mode %o' % stat.S_IMODE(mode))
    _, err = ik.script('crypto key generate rsa modulus 2048 label gw\n', want_rc=1)
    check('key gw already exists (crypto key zeroize gw first)' in err, err)

    ik.script('configure terminal\n'
              'crypto pki trustpoint HQ-CA\n'
              ' keypair gw\n'
              ' subject-name C=DE, O=Example, CN=gw1\n'
              'crypto pki trustpoint EMPTY\n'
              'crypto pki trustpoint P12\n')
    out, _ = ik.script('show running-config\n')
    check('crypto pki trustpoint HQ-CA\n keypair gw\n subject-name C=DE, O=Example, CN=gw1\n!'
          in out, out)

    # a non-CA certificate is no trust anchor
    _, err = ik.script('crypto pki authenticate HQ-CA file %s\n' % f('other.pem'), want_rc=1)
    check('trustpoint HQ-CA: CN=stranger is not a CA certificate' in err, err)
    out, _ = ik.script('crypto pki authenticate HQ-CA file %s\n' % f('chain.pem'))
    has(out, '  Subject: C=DE, O=Example, CN=HQ Root')
    has(out, '  Subject: C=DE, O=Example, CN=HQ Sub')
    has(out, '% Certificate successfully imported')

    out, _ = ik.script('crypto pki enroll HQ-CA\n')
    csr = out[out.index('-----BEGIN CERTIFICATE REQUEST-----'):]
    with open(f('gw.csr'), 'w') as fh:
        fh.write(csr)
    openssl('x509', '-req', '-in', 'gw.csr', '-CA', 'int.pem', '-CAkey', 'int.key',
            '-set_serial', '77', '-days', '10', '-extfile', 'ext.cnf', '-extensions', 'ee',
            '-out', 'gw.pem', cwd=tmp)
    _, err = ik.script('crypto pki import HQ-CA certificate file %s\n' % f('other.pem'),
                       want_rc=1)
    check('trustpoint HQ-CA: the certificate is not for key pair gw' in err, err)
    out, _ = ik.script('crypto pki import HQ-CA certificate file %s\n' % f('gw.pem'))
    has(out, '  Subject: C=DE, O=Example, CN=gw1')

    # certificate tunnels commit only with the material in place
    tunnel = ('configure terminal\n'
              'ipsec tunnel T1\n'
              ' local-address 192.0.2.1\n'
              ' remote-address 192.0.2.9\n'
              ' authentication certificate HQ-CA\n'
              ' local-id dn "C=DE, O=Example, CN=gw1"\n'
              ' remote-id dn "C=DE, O=Example, CN=*"\n'
              ' send-cert always\n'
              ' no send-certreq\n')
    _, err = ik.script(tunnel + 'ipsec tunnel T2\n local-address 192.0.2.1\n'
                       ' remote-address 192.0.2.10\n authentication certificate EMPTY\n',
                       want_rc=1)
    check('tunnel T2: trustpoint EMPTY has no CA certificate (crypto pki authenticate EMPTY)'
          in err, err)
    _, err = ik.script(tunnel + 'ipsec tunnel T3\n local-address 192.0.2.1\n'
                       ' remote-address 192.0.2.11\n authentication certificate NOPE\n',
                       want_rc=1)
    check('tunnel T3: trustpoint NOPE does not exist' in err, err)
    ik.script(tunnel)

    # PKCS#12: key, certificate and CAs in one file
    out, _ = ik.script('crypto pki import P12 pkcs12 file %s password %s\n' %
                       (f('gw.p12'), P12PASS))
    has(out, '  Subject: CN=p12 gw')
    _, err = ik.script('crypto pki import P12 pkcs12 file %s password wrong\n' % f('gw.p12'),
                       want_rc=1)
    check('key P12 already exists' in err or 'password is wrong' in err, err)

    # an encrypted key in a script: no one to ask the passphrase
    _, err = ik.script('crypto key import enc file %s\n' % f('enc.key'), want_rc=1)
    check('key enc: the key is encrypted and needs its passphrase' in err, err)

    ik.script('write memory\n')
    ik.restart()
    out, _ = ik.script('show crypto pki trustpoints\n')
    check(out == 'Trustpoint EMPTY:\n'
          '  Key pair: EMPTY (missing)\n'
          '  CA certificates: 0\n'
          '  Certificate: none\n'
          '  Revocation check: none\n'
          'Trustpoint HQ-CA:\n'
          '  Key pair: gw (present)\n'
          '  CA certificates: 2\n'
          '  Certificate: present\n'
          '  Revocation check: none\n'
          'Trustpoint P12:\n'
          '  Key pair: P12 (present)\n'
          '  CA certificates: 2\n'
          '  Certificate: present\n'
          '  Revocation check: none\n', out)
    out, _ = ik.script('show crypto pki certificates HQ-CA\n')
    check(out.count('  Status: Available') == 3, out)
    has(out, '  Subject Alternative Names: DNS:gw1.example.com, IP:192.0.2.1')
    has(out, '  Certificate Serial Number (hex): 4D')
    has(out, '  Key: ECDSA P-256')
    check(re.search(r'^  Fingerprint SHA256: ([0-9A-F]{2}:){31}[0-9A-F]{2}$', out, re.M), out)
    out, _ = ik.script('show running-config\n')
    check(' authentication certificate HQ-CA\n local-id dn "C=DE, O=Example, CN=gw1"\n'
          ' remote-id dn "C=DE, O=Example, CN=*"\n' in out, out)
    check(' send-cert always\n no send-certreq\n' in out, out)
    out, _ = ik.script('show crypto key mypubkey\n')
    for label, typ in (('P12', 'ECDSA P-256'), ('e1', 'Ed25519'), ('gw', 'ECDSA P-256'),
                       ('r1', 'RSA 2048')):
        check('Key name: %s\n Key type: %s\n' % (label, typ) in out, out)
    ik.script('crypto key zeroize r1\n')
    out, _ = ik.script('show crypto key mypubkey\n')
    check('Key name: r1' not in out, out)
    _, err = ik.script('crypto key zeroize r1\n', want_rc=1)
    check('% key pair r1 does not exist' in err, err)


def interactive(ik, tmp):
    """The passphrase asked without echo, a CA pasted at the terminal."""
    pty = dlib.Pty(ik.ikesh, ik.d, tmp)
    try:
        pty.read_until(r'#\s*$')
        pty.cmd('terminal length 0')
        os.write(pty.fd, ('crypto key import enc file %s\r' % os.path.join(tmp, 'enc.key'))
                 .encode())
        pty.read_until(r'Passphrase: $')
        os.write(pty.fd, (PASS + '\r').encode())
        out = pty.read_until(r'#\s*$')
        OUTPUTS.append(out)
        check('% Key pair enc imported' in out, out)
        check(PASS not in out, 'the passphrase was echoed: %r' % out)
        os.write(pty.fd, b'crypto pki authenticate EMPTY\r')
        pty.read_until(r'quit" on a line by itself')
        for line in open(os.path.join(tmp, 'root.pem')).read().splitlines():
            os.write(pty.fd, (line + '\r').encode())
        os.write(pty.fd, b'\r')
        out = pty.read_until(r'#\s*$')
        OUTPUTS.append(out)
        check('% Certificate successfully imported' in out, out)
        out = pty.cmd('show crypto key mypubkey')
        OUTPUTS.append(out)
        check('Key name: enc' in out and 'Key type: Ed25519' in out, out)
    finally:
        pty.close()


def main():
    ikesh, ikeshd = sys.argv[1], sys.argv[2]
    for daemon in (False, True):
        tmp = dlib.make_tmp()
        ik = None
        try:
            make_pki(tmp)
            ik = Ikesh(ikesh, ikeshd, tmp, daemon)
            scenario(ik, tmp)
            interactive(ik, tmp)
            ik.stop()
            ik = None
            for text in OUTPUTS:
                check('PRIVATE KEY' not in text, 'a private key was printed:\n' + text)
                check(PASS not in text and P12PASS not in text, 'a secret was printed')
            log = os.path.join(tmp, 'ikeshd.log')
            if os.path.exists(log):
                text = open(log, errors='replace').read()
                check(PASS not in text and P12PASS not in text and 'PRIVATE' not in text,
                      'a secret in the daemon log')
            print('ok: %s' % ('through ikeshd' if daemon else 'embedded'))
        except dlib.TestFailure as e:
            print('FAIL (%s): %s' % ('ikeshd' if daemon else 'embedded', e))
            return 1
        finally:
            if ik:
                ik.d.stop()
            dlib.cleanup(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
