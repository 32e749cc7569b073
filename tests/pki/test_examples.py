#!/usr/bin/env python3
"""The README's worked certificate example and examples/certificates.* run as written.

usage: test_examples.py IKESH README EXAMPLES_DIR

The shell blocks of README section "A worked example" run with /bin/sh
(openssl makes the CA and signs), its `gw#` blocks as ikesh scripts, the
request that `crypto pki enroll` printed handed to the CA between them.
Then examples/certificates.ikesh runs with `ikesh -f` on files made the
same way, and examples/certificates.cfg loads as the startup
configuration over the material that script imported.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def check(cond, msg):
    if not cond:
        print('FAIL: %s' % msg)
        sys.exit(1)


def blocks(readme):
    text = open(readme).read()
    start = text.index('### A worked example')
    end = text.index('\n## ', start)
    return re.findall(r'^```\n(.*?)^```$', text[start:end], re.S | re.M)


def sh(script, cwd):
    p = subprocess.run(['sh', '-ec', script], cwd=cwd, capture_output=True, text=True)
    check(p.returncode == 0, 'sh: %s\n%s%s' % (script, p.stdout, p.stderr))


def ikesh(binary, cwd, args, want_rc=0):
    env = dict(os.environ, IKESH_NO_IKE='1')
    p = subprocess.run([binary, '--state-dir', 'state', '--run-dir', 'run'] + args, cwd=cwd,
                       capture_output=True, text=True, env=env)
    check(p.returncode == want_rc,
          'ikesh %s: exit %d\n%s%s' % (' '.join(args), p.returncode, p.stdout, p.stderr))
    check('PRIVATE KEY' not in p.stdout + p.stderr, 'a private key in the output')
    return p.stdout


def gw_script(block):
    """The commands typed at the `gw...#` prompts of a block."""
    lines = [re.sub(r'^gw(\([a-z-]+\))?# ', '', l) for l in block.splitlines()
             if re.match(r'^gw(\([a-z-]+\))?# ', l)]
    check(lines, 'no gw# lines in:\n' + block)
    return '\n'.join(lines) + '\n'


def readme_example(binary, readme, tmp):
    b = blocks(readme)
    check(len(b) == 4, 'the worked example has %d code blocks, expected 4' % len(b))
    sh(b[0], tmp)
    with open(os.path.join(tmp, 'enroll.ikesh'), 'w') as f:
        f.write(gw_script(b[1]))
    out = ikesh(binary, tmp, ['-f', 'enroll.ikesh'])
    m = re.search(r'-----BEGIN CERTIFICATE REQUEST-----\n.*?-----END CERTIFICATE REQUEST-----\n',
                  out, re.S)
    check(m, 'crypto pki enroll printed no request:\n' + out)
    with open(os.path.join(tmp, 'gw.csr'), 'w') as f:
        f.write(m.group(0))
    sh(b[2], tmp)
    with open(os.path.join(tmp, 'tunnel.ikesh'), 'w') as f:
        f.write(gw_script(b[3]))
    ikesh(binary, tmp, ['-f', 'tunnel.ikesh'])
    out = ikesh(binary, tmp, ['-c', 'show crypto pki trustpoints', '-c', 'show running-config'])
    check('Certificate: present' in out and 'Key pair: gw (present)' in out, out)
    check('authentication certificate EXAMPLE-CA' in out, out)
    check(os.path.exists(os.path.join(tmp, 'state', 'startup-config')), 'no write memory')
    print('ok: README worked example: CA, enroll, signed request imported, tunnel committed')


def example_files(binary, examples, tmp):
    sh('openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key '
       '-out ca.pem -subj "/C=DE/O=Example/CN=Example CA" -days 30 '
       '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign\n'
       'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out gw.key\n'
       'openssl req -new -key gw.key -subj "/C=DE/O=Example/CN=hq-gw.example.net" -out gw.csr\n'
       'printf "keyUsage=digitalSignature\\n" >ext.cnf\n'
       'openssl x509 -req -in gw.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 5 '
       '-extfile ext.cnf -out gw.pem', tmp)
    script = os.path.join(examples, 'certificates.ikesh')
    # without its files the script fails at the first, and nothing is committed
    empty = os.path.join(tmp, 'empty')
    os.mkdir(empty)
    ikesh(binary, empty, ['-f', script], want_rc=1)
    out = ikesh(binary, empty, ['-c', 'show running-config'])
    check('SPOKES' not in out and 'EXAMPLE-CA' not in out, 'a failed script committed:\n' + out)
    ikesh(binary, tmp, ['-f', script])
    out = ikesh(binary, tmp, ['-c', 'show running-config', '-c', 'show crypto pki trustpoints'])
    check('authentication certificate EXAMPLE-CA' in out and 'Certificate: present' in out, out)
    print('ok: ikesh -f examples/certificates.ikesh')
    # certificates.cfg as the startup configuration, over that material
    shutil.copy(os.path.join(examples, 'certificates.cfg'),
                os.path.join(tmp, 'state', 'startup-config'))
    shutil.rmtree(os.path.join(tmp, 'run'))
    out = ikesh(binary, tmp, ['-c', 'show running-config'])
    want = open(os.path.join(examples, 'certificates.cfg')).read()
    want = want[want.index('hostname'):].replace('hostname hq-gw\n!\n', '')
    check(want in out, 'certificates.cfg did not load as written:\n' + out)
    print('ok: examples/certificates.cfg loads as the startup configuration')


def main():
    binary, readme, examples = (os.path.abspath(a) for a in sys.argv[1:4])
    with tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, 'readme'))
        readme_example(binary, readme, os.path.join(tmp, 'readme'))
        os.mkdir(os.path.join(tmp, 'files'))
        example_files(binary, examples, os.path.join(tmp, 'files'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
