#!/usr/bin/env python3
"""Random input for ikesh, with a fixed seed: it must never crash, hang,
trip a sanitizer or leave the terminal changed.

  scripts: random lines (command words, values, quotes, comment markers,
           control bytes) through -f, --check and standard input; the exit
           status must be 0 or 1 and standard error free of sanitizer
           reports.
  keys:    random keystrokes on a pseudo-terminal (words, ?, TAB, Ctrl-C/Z/D,
           arrows, pager keys); ikesh must keep answering or log out with
           status 0, and restore the terminal.

usage: fuzz.py --ikesh PATH [--seed N] [--scripts N] [--sessions N]
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import transcript  # noqa: E402

WORDS = [
    'show', 'sh', 'running-config', 'run', 'configuration', 'changes', 'commit', 'list',
    'configure', 'conf', 'terminal', 't', 'length', '0', '3', 'end', 'exit', 'abort',
    'rollback', '1', 'crypto', 'ikev2', 'ikev1', 'ipsec', 'policy', '10', 'tunnel', 'T1',
    'encryption', 'aes256', 'aes128-gcm', 'integrity', 'sha256', 'group', '14', '19',
    'lifetime', '3600', 'remote-address', '192.0.2.1', 'any', 'authentication',
    'pre-share', 'key', 'xauth', 'password', 'description', 'hostname', 'R1', 'no', 'do',
    'check', 'confirm', 'write', 'memory', '|', 'include', 'inc', 'section', 'count',
    'begin', 'exclude', '"a b"', "'q'", '"#x!"', '!', '#', '\\', '"', '?', '*****',
    'local-subnet', '10.0.0.0/24', 'dpd', 'interval', 'timeout', 'xyz', '-1', '99999999999',
]
JUNK = ['\x01', '\x1b[2J', '\x7f', '\t', '\xe9', '\u009b', '(', ')', '[', '*', '^', '$']

SANITIZER = ('AddressSanitizer', 'LeakSanitizer', 'runtime error', 'UndefinedBehavior')


def random_line(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(0, 8))]
    if rng.random() < 0.2:
        words.insert(rng.randint(0, len(words)), rng.choice(JUNK))
    return ' ' * rng.randint(0, 2) + ' '.join(words)


def run_scripts(ikesh, rng, count, tmp):
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'LANG': 'C', 'IKESH_NO_IKE': '1',
           'IKESH_STATE_DIR': os.path.join(tmp, 'state'),
           'IKESH_RUN_DIR': os.path.join(tmp, 'run')}
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'):
        if k in os.environ:
            env[k] = os.environ[k]
    failures = []
    for i in range(count):
        lines = ['configure terminal'] if rng.random() < 0.7 else []
        lines += [random_line(rng) for _ in range(rng.randint(1, 12))]
        text = '\n'.join(lines) + '\n'
        path = os.path.join(tmp, 'fuzz.ikesh')
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        how = rng.choice([['-f', path], ['--check', '-f', path], []])
        try:
            p = subprocess.run([ikesh] + how, input=text.encode() if not how else b'',
                               capture_output=True, env=env, timeout=60)
        except subprocess.TimeoutExpired:
            failures.append('script %d hung:\n%s' % (i, text))
            continue
        err = p.stderr.decode('utf-8', 'replace')
        if p.returncode not in (0, 1) or any(s in err for s in SANITIZER):
            failures.append('script %d: status %d\n--- script:\n%s--- stderr:\n%s'
                            % (i, p.returncode, text, err))
    return failures


KEYS = ['?', '\t', '\x03', '\x1a', '\x04', '\x1b[A', '\x1b[B', '\x1b[D', '\x7f', '\r', ' ',
        'q', '\x15']


def run_sessions(ikesh, rng, count, tmp):
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'TERM': 'vt100',
           'INPUTRC': '/dev/null', 'HOME': tmp, 'LANG': 'C', 'IKESH_NO_IKE': '1',
           'IKESH_TEST_READY': '1',
           'IKESH_STATE_DIR': os.path.join(tmp, 'state'),
           'IKESH_RUN_DIR': os.path.join(tmp, 'run')}
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'):
        if k in os.environ:
            env[k] = os.environ[k]
    failures = []
    for i in range(count):
        t = transcript.Pty([ikesh], env)
        typed = []
        try:
            t.settle()
            t.send('terminal length 4\r')
            t.settle()
            for _ in range(30):
                if t.proc.poll() is not None:
                    break
                chunk = ''
                for _ in range(rng.randint(1, 4)):
                    if rng.random() < 0.5:
                        chunk += rng.choice(WORDS) + ' '
                    else:
                        chunk += rng.choice(KEYS)
                typed.append(chunk)
                t.send(chunk)
                t.settle()
            status, restored = t.finish(None if t.proc.poll() is None else 0)
        except (transcript.Failure, ValueError) as e:
            if t.proc.poll() is None:
                t.proc.kill()
                t.proc.wait()
            failures.append('session %d: %s\nkeys: %r' % (i, e, typed))
            continue
        screen = '\n'.join(t.screen.text())
        if status != 0 or not restored or any(s in screen for s in SANITIZER):
            failures.append('session %d: status %d, terminal restored: %s\nkeys: %r\n'
                            '--- screen:\n%s' % (i, status, restored, typed, screen))
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ikesh', required=True)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--scripts', type=int, default=150)
    ap.add_argument('--sessions', type=int, default=6)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix='ikesh-fuzz-')
    try:
        os.makedirs(os.path.join(tmp, 'state'))
        os.makedirs(os.path.join(tmp, 'run'))
        failures = run_scripts(os.path.abspath(a.ikesh), rng, a.scripts, tmp)
        failures += run_sessions(os.path.abspath(a.ikesh), rng, a.sessions, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print('FAIL ' + f)
    print('%d scripts, %d sessions, %d failures (seed %d)'
          % (a.scripts, a.sessions, len(failures), a.seed))
    return 1 if failures else 0


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
