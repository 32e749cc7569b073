#!/usr/bin/env python3
"""What another local user can learn of ikesh and ikeshd processes, and
one engine per state directory.

usage: test_process.py IKESHD IKESH

Needs root (it runs the programs as a test user).
  - `ikesh -c '... key K'`: K is not in /proc/PID/cmdline while ikesh runs;
  - ikesh and ikeshd are not dumpable: their /proc/PID files belong to root
    although they run as the test user (a dumpable process of the same
    user, the control, has its own), and their core size limit is 0;
  - a second embedded ikesh on a state directory an ikesh has open is
    refused naming that ikesh's pid, and writes nothing; once the first
    is gone the directory opens again.
"""
import grp
import os
import pwd
import select
import socket
import subprocess
import sys
import time

from dlib import (SKIP, Pty, TestFailure, as_user, check, cleanup, ensure_users, env_for,
                  make_tmp, user_home)

USER = 'ikt-proc'
KEY = 'cmdline-secret-4711'


class Dirs:
    def __init__(self, tmp):
        self.state = os.path.join(tmp, 'state')
        self.run = os.path.join(tmp, 'run')


def owned_by(path, user):
    pw = pwd.getpwnam(user)
    os.makedirs(path, exist_ok=True)
    os.chown(path, pw.pw_uid, pw.pw_gid)


def proc_owner(pid):
    return os.stat('/proc/%d/status' % pid).st_uid


def core_limit(pid):
    with open('/proc/%d/limits' % pid) as f:
        for line in f:
            if line.startswith('Max core file size'):
                return line.split()[4:6]
    raise TestFailure('no core limit in /proc/%d/limits' % pid)


def check_not_dumpable(pid, what, uid):
    check(proc_owner(pid) == 0,
          '%s (pid %d) is dumpable: /proc/PID belongs to uid %d' % (what, pid, proc_owner(pid)))
    check(core_limit(pid) == ['0', '0'], '%s core limit %r' % (what, core_limit(pid)))
    print('ok: %s runs as uid %d, /proc/%d belongs to root, core limit 0' % (what, uid, pid))


def control_process(user):
    """A dumpable process of the same user: /proc shows its own uid."""
    p = subprocess.Popen(['cat'], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         preexec_fn=as_user(user))
    uid = pwd.getpwnam(user).pw_uid
    try:
        check(proc_owner(p.pid) == uid,
              'the control (cat as %s) shows uid %d: the check cannot tell' %
              (user, proc_owner(p.pid)))
    finally:
        p.stdin.close()
        p.wait()
    print('ok: the control, a dumpable process of %s, shows uid %d' % (user, uid))


def ikesh_argv(ikesh, tmp, home):
    """ikesh -c with a key, kept running by output nobody reads yet."""
    d = Dirs(os.path.join(tmp, 'argv'))
    owned_by(os.path.join(tmp, 'argv'), USER)
    # more output than a pipe holds: ikesh is still writing when the first
    # byte arrives, and its options were parsed before anything was shown
    many = '\n'.join(['show version'] * 4000)
    argv = [ikesh, '--no-ike', '-c', 'configure terminal', '-c', 'ipsec tunnel T',
            '-c', 'authentication pre-share key ' + KEY, '-c', 'abort', '-c', many]
    p = subprocess.Popen(argv, env=env_for(d, home), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=as_user(USER))
    try:
        r, _, _ = select.select([p.stdout], [], [], 30)
        check(r, 'ikesh -c showed nothing in 30 s')
        if not os.read(p.stdout.fileno(), 1):
            raise TestFailure('ikesh -c ended at once: %r' % p.communicate()[1])
        check(p.poll() is None, 'ikesh -c is no longer running')
        with open('/proc/%d/cmdline' % p.pid, 'rb') as f:
            cmdline = f.read()
        args = cmdline.split(b'\0')
        # the right process: its options are all there, the -c texts blank
        check(args[0] == ikesh.encode() and args.count(b'-c') == 5 and b'--no-ike' in args,
              'not the ikesh started: %r' % cmdline[:200])
        check(KEY.encode() not in cmdline, 'the key is in /proc/PID/cmdline')
        check(b'show version' not in cmdline and b'pre-share' not in cmdline,
              'a -c argument is still readable: %r' % cmdline[:300])
        print('ok: /proc/%d/cmdline of ikesh -c holds no -c text (%d bytes read)' %
              (p.pid, len(cmdline)))
        check_not_dumpable(p.pid, 'ikesh -c', pwd.getpwnam(USER).pw_uid)
    finally:
        p.kill()
        p.communicate()


def ikeshd_dumpable(ikeshd, tmp):
    base = os.path.join(tmp, 'daemon')
    d = Dirs(base)
    for p in (base, d.state, d.run):
        owned_by(p, USER)
    pw = pwd.getpwnam(USER)
    group = grp.getgrgid(pw.pw_gid).gr_name
    log = open(os.path.join(tmp, 'ikeshd.log'), 'wb')
    p = subprocess.Popen([ikeshd, '--no-ike', '--stderr', '--state-dir', d.state, '--run-dir',
                          d.run, '--operator-group', group, '--admin-group', group],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         preexec_fn=as_user(USER), start_new_session=True)
    log.close()
    try:
        sock = os.path.join(d.run, 'ikeshd.sock')
        deadline = time.monotonic() + 20
        while True:
            check(p.poll() is None, 'ikeshd as %s exited: %s' %
                  (USER, open(os.path.join(tmp, 'ikeshd.log')).read()))
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sock)
                s.close()
                break
            except OSError:
                check(time.monotonic() < deadline, 'ikeshd did not listen')
                time.sleep(0.02)
        check_not_dumpable(p.pid, 'ikeshd', pw.pw_uid)
    finally:
        p.terminate()
        p.wait(timeout=20)


def second_engine(ikesh, tmp, home):
    d = Dirs(os.path.join(tmp, 'lock'))
    first = Pty(ikesh, d, home, argv=[ikesh, '--no-ike'])
    try:
        first.read_until(r'ikesh#\s*$')
        hist = os.path.join(d.state, 'history')
        before = sorted(os.listdir(hist))
        p = subprocess.run([ikesh, '--no-ike', '-c', 'configure terminal', '-c',
                            'hostname second', '-c', 'end'], env=env_for(d, home),
                           capture_output=True, text=True, timeout=30)
        want = '%s is in use by another engine (process %d)' % (d.state, first.pid)
        check(p.returncode != 0 and want in p.stderr,
              'second engine: status %d, %r' % (p.returncode, p.stderr))
        check(sorted(os.listdir(hist)) == before, 'the second engine wrote history')
        print('ok: a second embedded ikesh refused: %s' % p.stderr.strip().split('\n')[0])
        out = first.cmd('show running-config')
        check('second' not in out, 'the first engine sees a change: %r' % out)
        first.close()
        first = None
        p = subprocess.run([ikesh, '--no-ike', '-c', 'show version'], env=env_for(d, home),
                           capture_output=True, text=True, timeout=30)
        check(p.returncode == 0, 'after the first ikesh ended: %r' % p.stderr)
        print('ok: once the first ikesh is gone, the directory opens')
    finally:
        if first:
            first.kill()


def main():
    ikeshd, ikesh = sys.argv[1], sys.argv[2]
    try:
        if not ensure_users({USER: []}):
            print('SKIP: needs root to create a test user')
            return SKIP
        tmp = make_tmp()
        try:
            home = user_home(tmp, USER)
            control_process(USER)
            ikesh_argv(ikesh, tmp, home)
            ikeshd_dumpable(ikeshd, tmp)
            second_engine(ikesh, tmp, user_home(tmp, 'root'))
        finally:
            cleanup(tmp)
        return 0
    except TestFailure as e:
        print('FAIL: %s' % e)
        return 1


if __name__ == '__main__':
    sys.exit(main())
