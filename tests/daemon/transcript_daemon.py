#!/usr/bin/env python3
"""Run a tests/cli transcript with ikesh as a client of ikeshd.

usage: transcript_daemon.py RUNNER IKESHD IKESH CONFIGS FILE.t

The transcript is the embedded shell's, unchanged but for the one line
that must differ (`show version` names the engine); every other byte of
every screen and every exit status must be the same through the daemon.
"""
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    runner, ikeshd, ikesh, configs, path = sys.argv[1:6]
    tmp = tempfile.mkdtemp(prefix='ikeshd-t-')
    try:
        wrapper = os.path.join(tmp, 'ikesh-via-daemon')
        with open(wrapper, 'w') as f:
            f.write('#!/bin/sh\nexec "%s" "%s" "%s" "%s" "%s" "$@"\n' %
                    (sys.executable, os.path.join(HERE, 'with_daemon.py'), tmp, ikeshd,
                     ikesh))
        os.chmod(wrapper, 0o755)
        with open(path, encoding='utf-8') as f:
            text = f.read()
        text = text.replace('Engine: embedded', 'Engine: ikeshd (daemon)')
        copy = os.path.join(tmp, os.path.basename(path))
        with open(copy, 'w', encoding='utf-8') as f:
            f.write(text)
        # the transcript's own configs directory, beside the original
        src_cfg = os.path.join(os.path.dirname(path), 'configs')
        if os.path.isdir(src_cfg):
            shutil.copytree(src_cfg, os.path.join(tmp, 'configs'))
        rc = subprocess.call([sys.executable, runner, '--ikesh', wrapper,
                              '--configs', configs, copy])
        # the last daemon's helper holds the lock until that daemon is gone
        with open(os.path.join(tmp, 'lock'), 'w') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
        errors = os.path.join(tmp, 'errors')
        if os.path.exists(errors):
            with open(errors) as f:
                sys.stdout.write('FAIL: ' + f.read())
            with open(os.path.join(tmp, 'ikeshd.log'), errors='replace') as f:
                sys.stdout.write(f.read()[-3000:])
            return 1
        return rc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
