#!/usr/bin/env python3
"""`cmake --install` puts everything where it belongs, and each piece works.

usage: test_install.py CMAKE BUILD_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def main():
    cmake, build = sys.argv[1], sys.argv[2]
    prefix = tempfile.mkdtemp(prefix='ikesh-install-')
    try:
        p = subprocess.run([cmake, '--install', build, '--prefix', prefix],
                           capture_output=True, text=True)
        if p.returncode:
            fail('cmake --install: ' + p.stderr)
        want = ['sbin/ikesh', 'sbin/ikeshd', 'lib/systemd/system/ikeshd.service',
                'lib/sysusers.d/ikesh.conf', 'share/man/man1/ikesh.1',
                'share/man/man8/ikeshd.8', 'share/bash-completion/completions/ikesh']
        for f in want:
            if not os.path.isfile(os.path.join(prefix, f)):
                fail('not installed: ' + f)
        for prog in ('ikesh', 'ikeshd'):
            out = subprocess.run([os.path.join(prefix, 'sbin', prog), '--version'],
                                 capture_output=True, text=True)
            if out.returncode or not out.stdout.startswith(prog + ' '):
                fail('%s --version: %r' % (prog, out.stdout + out.stderr))
        # man pages: groff finds no error or warning in them
        if not shutil.which('groff'):
            fail('groff not found: the man pages cannot be checked (groff-base, see .ci/deps.sh)')
        for f in want[4:6]:
            g = subprocess.run(['groff', '-man', '-ww', '-z', os.path.join(prefix, f)],
                               capture_output=True, text=True)
            if g.returncode or g.stderr:
                fail('groff %s: %s' % (f, g.stderr))
        # the unit: the daemon it starts, a runtime directory kept until reboot
        with open(os.path.join(prefix, want[2])) as f:
            unit = f.read()
        for line in ('ExecStart=/', 'RuntimeDirectory=ikesh', 'RuntimeDirectoryPreserve=yes',
                     'WantedBy=multi-user.target', 'LimitCORE=0\n', 'MemoryMax='):
            if line not in unit:
                fail('ikeshd.service lacks %r' % line)
        # bash completion of ikesh's options
        script = ('source %s; COMP_WORDS=(ikesh --st); COMP_CWORD=1; _ikesh; '
                  'echo "${COMPREPLY[@]}"; COMP_WORDS=(ikesh --no); _ikesh; '
                  'echo "${COMPREPLY[@]}"' % os.path.join(prefix, want[6]))
        b = subprocess.run(['bash', '-c', script], capture_output=True, text=True)
        lines = b.stdout.split('\n')
        if b.returncode or lines[0] != '--state-dir' or lines[1] != '--no-ike':
            fail('bash completion: %r %r' % (b.stdout, b.stderr))
        print('installed and checked: %d files' % len(want))
        return 0
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
