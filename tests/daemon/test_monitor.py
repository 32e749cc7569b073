#!/usr/bin/env python3
"""Asynchronous log lines reach only sessions that asked for them.

usage: test_monitor.py IKESHD IKESH EXAMPLES

As IOS's `logging monitor`: through ikeshd, a session without `terminal
monitor` is shown no log line; one with it sees each event exactly once,
on one line, with no NUL pad bytes; `terminal no monitor` stops them.
Embedded (as examples/try-it.sh starts it), a session on a
pseudo-terminal starts quiet: the tunnel's failure is in `show ipsec
tunnel`, not on the screen.
"""
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

from dlib import Daemon, TestFailure, check, env_for, ikesh_c

ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07')


class Term:
    """ikesh on a pseudo-terminal; keeps every byte it wrote."""

    def __init__(self, argv, env):
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd, self.raw, self.seen = pid, fd, b'', 0

    def until(self, pattern, timeout=20):
        """Read until pattern is in the text written since the last call."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = ANSI.sub('', self.raw[self.seen:].decode('utf-8', 'replace'))
            if rx.search(text):
                self.seen = len(self.raw)
                return text
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure('timeout waiting for %r; got %r' % (pattern, text[-400:]))
            if select.select([self.fd], [], [], left)[0]:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    data = b''
                if not data:
                    raise TestFailure('ikesh ended waiting for %r' % pattern)
                self.raw += data

    def cmd(self, line, pattern):
        os.write(self.fd, line.encode() + b'\r')
        return self.until(pattern)

    def close(self):
        try:
            os.write(self.fd, b'exit\r')
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return status


def log_lines(raw, word):
    text = ANSI.sub('', raw.decode('utf-8', 'replace')).replace('\r', '')
    return [line for line in text.split('\n') if word in line]


def through_daemon(ikeshd, ikesh, tmp):
    d = Daemon(ikeshd, tmp)
    d.start()
    home = tmp
    env = env_for(d, home)
    quiet = mon = None
    try:
        quiet, mon = Term([ikesh], env), Term([ikesh], env)
        quiet.until(r'ikesh#\s*$')
        mon.until(r'ikesh#\s*$')
        mon.cmd('terminal monitor', r'ikesh#\s*$')
        for n in (1, 2, 3):
            rc, out, err = ikesh_c(ikesh, d, home, ['configure terminal', 'hostname h%d' % n,
                                                   'end'])
            check(rc == 0, 'commit %d: %r %r' % (n, out, err))
            mon.until(r'commit %d by ' % n)
        # a reply comes after every log frame queued before it
        quiet.cmd('show terminal', r'Monitor: off\s+h3#\s*$')
        mon.cmd('show terminal', r'Monitor: on\s+h3#\s*$')
        check(not log_lines(quiet.raw, 'commit '), 'a log line reached a session without '
              'terminal monitor: %r' % log_lines(quiet.raw, 'commit '))
        for n in (1, 2, 3):
            got = [l for l in log_lines(mon.raw, 'commit %d by ' % n)]
            check(len(got) == 1 and re.fullmatch(r'commit %d by \S+' % n, got[0].split('#')[-1]),
                  'event %d: %r' % (n, got))
        check(b'\0' not in mon.raw and b'\0' not in quiet.raw, 'NUL bytes on the terminal: '
              '%r' % mon.raw[-300:])
        print('ok: log lines through ikeshd: none without monitor, one per event with it, '
              'no NUL')
        mon.cmd('terminal no monitor', r'h3#\s*$')
        rc, out, err = ikesh_c(ikesh, d, home, ['configure terminal', 'hostname h4', 'end'])
        check(rc == 0, 'commit 4: %r' % err)
        mon.cmd('show terminal', r'Monitor: off\s+h4#\s*$')
        check(not log_lines(mon.raw, 'commit 4 by'), 'terminal no monitor: %r' %
              log_lines(mon.raw, 'commit 4'))
        print('ok: terminal no monitor stops them')
        # a script shows none either
        rc, out, err = ikesh_c(ikesh, d, home, ['configure terminal', 'hostname h5', 'end'])
        check(rc == 0 and 'commit' not in out + err, 'script: %r %r' % (out, err))
    finally:
        for t in (quiet, mon):
            if t:
                t.close()
        d.stop()


def embedded(ikesh, examples, tmp):
    state, run = os.path.join(tmp, 'e-state'), os.path.join(tmp, 'e-run')
    os.makedirs(state)
    os.makedirs(run)
    shutil.copy(os.path.join(examples, 'site-to-site-a.cfg'),
                os.path.join(state, 'startup-config'))
    env = {'PATH': '/usr/bin:/bin', 'TERM': 'vt100', 'INPUTRC': '/dev/null', 'HOME': tmp,
           'LANG': 'C', 'TZ': 'UTC'}
    # as try-it.sh runs it, on a port of its own
    t = Term([ikesh, '--state-dir', state, '--run-dir', run, '--ike-port', '15300'], env)
    try:
        t.until(r'hq-gw#\s*$')
        # the tunnel tries and fails (no route to the documentation address)
        deadline = time.monotonic() + 30
        while True:
            out = t.cmd('show ipsec tunnel BRANCH', r'hq-gw#\s*$')
            if 'Reason:' in out:
                break
            if time.monotonic() > deadline:
                raise TestFailure('the tunnel never reported a reason: %r' % out)
            time.sleep(0.2)  # polling the status; not a synchronisation
        reason = re.search(r'Reason: (.*?)(?: \(since|$)', out, re.M).group(1)
        screen = ANSI.sub('', t.raw.decode('utf-8', 'replace')).replace('\r', '')
        shown = [l for l in screen.split('\n')
                 if reason[:30] in l and 'Reason:' not in l]
        check(not shown, 'try-it: log lines on a pseudo-terminal: %r' % shown)
        check(b'\0' not in t.raw, 'NUL bytes')
        out = t.cmd('terminal monitor', r'hq-gw#\s*$')
        print('ok: embedded on a pseudo-terminal starts quiet (%s)' % reason)
    finally:
        t.close()


def main():
    ikeshd, ikesh, examples = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix='ikesh-mon-')
    os.chmod(tmp, 0o755)
    try:
        through_daemon(ikeshd, ikesh, tmp)
        embedded(ikesh, examples, tmp)
    except TestFailure as e:
        print('FAIL: %s' % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
