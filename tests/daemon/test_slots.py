#!/usr/bin/env python3
"""ikeshd's session slots under a local user who tries to take them all.

usage: test_slots.py IKESHD IKESH

Needs root (test users; the connections are made with each user's
credentials).  The daemon has 64 slots: a user other than root holds at
most 16, operators together leave 12 to admins, admins leave 4 to root.
  - one operator opens 70 connections, silent, idle sessions and one that
    trickles a request a byte every 5 s: 16 are taken, the other 54 are
    refused at once (-EUSERS);
  - three operators fill every slot open to operators; a fourth is refused
    (-EAGAIN); an admin still gets in (ikesh -c), and root;
  - an admin takes the slots left, another admin is refused with a clear
    message; root still gets in;
  - the silent connections are closed 10 s after connecting, the trickled
    request 10 s after its first byte, the idle sessions stay, and the
    slots given back are taken again.
"""
import os
import pwd
import select
import socket
import struct
import sys
import time

from dlib import (SKIP, Daemon, Raw, TestFailure, check, cleanup, ensure_users, frame, ikesh_c,
                  make_tmp, user_home, OP)

OPERS = ['ikt-op1', 'ikt-op2', 'ikt-op3', 'ikt-op4']
ADMIN, ADMIN2 = 'ikt-adm1', 'ikt-adm2'
USERS = {**{u: ['ikesh'] for u in OPERS}, ADMIN: ['ikesh', 'ikesh-admin'],
         ADMIN2: ['ikesh', 'ikesh-admin']}
EUSERS, EAGAIN = -87, -11
USER_MAX, OPER_SLOTS, ADMIN_SLOTS = 16, 48, 60


class As:
    """Effective credentials of a user for the connects made inside."""

    def __init__(self, user):
        self.pw = pwd.getpwnam(user)

    def __enter__(self):
        self.groups = os.getgroups()
        os.setgroups(os.getgrouplist(self.pw.pw_name, self.pw.pw_gid))
        os.setegid(self.pw.pw_gid)
        os.seteuid(self.pw.pw_uid)

    def __exit__(self, *exc):
        os.seteuid(0)
        os.setegid(0)
        os.setgroups(self.groups)


def connect(d, user):
    with As(user):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(15)
        s.connect(d.sock)
    return s


def raw(d, user):
    r = Raw.__new__(Raw)
    r.s, r.seq, r.logs = connect(d, user), 0, []
    return r


def refusal(s):
    """The daemon's answer to a refused connection: its rc."""
    hdr = b''
    while len(hdr) < 16:
        try:
            b = s.recv(16 - len(hdr))
        except socket.timeout:
            raise TestFailure('no refusal in 15 s: the connection was taken')
        check(b, 'connection closed without an answer')
        hdr += b
    n, ver, typ, seq, rc = struct.unpack('=IHHIi', hdr)
    check(typ == 0x8000 and seq == 1 and n == 4, 'not a refusal: %r' % hdr)
    return rc


def session(d, user):
    r = raw(d, user)
    rc, _ = r.call('HELLO')
    check(rc == 0, '%s: HELLO gave %r' % (user, rc))
    return r


def closed_by_daemon(s, deadline):
    """Wait (up to the monotonic deadline) for EOF; the time it came."""
    while True:
        left = deadline - time.monotonic()
        check(left > 0, 'the connection is still open')
        if select.select([s], [], [], left)[0]:
            try:
                if s.recv(4096) == b'':
                    return time.monotonic()
            except ConnectionResetError:
                return time.monotonic()


def run(ikeshd, ikesh):
    tmp = make_tmp()
    d = Daemon(ikeshd, tmp)
    held = []
    try:
        for p in (d.state, d.run):
            os.chmod(p, 0o755)
        d.start()
        home = {u: user_home(tmp, u) for u in list(USERS) + ['root']}
        op1 = OPERS[0]

        # -- one operator, 70 connections --
        silent = [connect(d, op1) for _ in range(5)]
        idle = [session(d, op1) for _ in range(10)]
        trickler = session(d, op1)
        # each HELLO answered: every connection before it was accepted
        refused = []
        for _ in range(70 - 16):
            s = connect(d, op1)
            refused.append(refusal(s))
            s.close()
        check(refused == [EUSERS] * 54, 'the operator\'s connections past 16: %r' % refused)
        print('ok: %s opened 70 connections: 16 taken, 54 refused (-EUSERS)' % op1)

        # -- three operators fill every slot open to operators --
        for u in OPERS[1:3]:
            held += [session(d, u) for _ in range(USER_MAX)]
        s = connect(d, OPERS[3])
        rc = refusal(s)
        s.close()
        check(rc == EAGAIN, 'a fourth operator with %d slots taken: %r' % (OPER_SLOTS, rc))
        print('ok: %d operator sessions; a fourth operator refused (-EAGAIN)' % OPER_SLOTS)
        rc, out, err = ikesh_c(ikesh, d, home[ADMIN], ['show users'], user=ADMIN)
        check(rc == 0 and ADMIN in out, 'the admin did not get in: %r %r' % (out, err))
        rc, out, err = ikesh_c(ikesh, d, home['root'], ['show version'])
        check(rc == 0 and 'ikeshd' in out, 'root did not get in: %r %r' % (out, err))
        print('ok: an admin and root still get in')

        # -- an admin takes what is left to admins; root still gets in --
        admins = [session(d, ADMIN) for _ in range(ADMIN_SLOTS - OPER_SLOTS)]
        held += admins
        s = connect(d, ADMIN)
        rc = refusal(s)
        s.close()
        check(rc == EAGAIN, 'an admin past %d slots: %r' % (ADMIN_SLOTS, rc))
        rc, out, err = ikesh_c(ikesh, d, home[ADMIN2], ['show version'], user=ADMIN2)
        check(rc != 0 and 'every session slot open to this user is in use' in err,
              'the second admin: %r %r' % (out, err))
        told = err.strip()
        rc, out, err = ikesh_c(ikesh, d, home['root'], ['show version'])
        check(rc == 0 and 'ikeshd' in out, 'root with every other slot taken: %r' % err)
        print('ok: %d slots taken by others; another admin refused, root gets in' %
              ADMIN_SLOTS)
        print('   the admin was told: %s' % told)

        # -- a request trickled a byte every 5 s is cut 10 s after its first
        #    byte; the silent connections 10 s after connecting --
        req = frame(OP['HELLO'], 2)
        first = time.monotonic()
        cut = None
        for i in range(len(req)):
            try:
                trickler.s.send(req[i:i + 1])
            except (BrokenPipeError, ConnectionResetError):
                cut = time.monotonic()
                break
            # the pace of the trickle; EOF, when it comes, ends the wait
            if select.select([trickler.s], [], [], 5)[0]:
                cut = closed_by_daemon(trickler.s, time.monotonic() + 1)
                break
        check(cut is not None, 'the whole trickled request went through')
        check(9.5 <= cut - first <= 16,
              'the trickler was cut %.1f s after its first byte' % (cut - first))
        print('ok: the trickled request cut %.1f s after its first byte (%d of %d bytes sent)' %
              (cut - first, i + 1, len(req)))
        for s in silent:
            closed_by_daemon(s, time.monotonic() + 20)
        print('ok: the %d silent connections were closed' % len(silent))
        for r in idle:
            check(r.call('HELLO')[0] == 0, 'an idle session was closed')
        print('ok: the %d idle sessions stay' % len(idle))
        # the admins leave: the operators' share is open again
        for r in admins:
            held.remove(r)
            r.close()
        again = [session(d, op1) for _ in range(6)]
        s = connect(d, op1)
        check(refusal(s) == EUSERS, 'the operator past 16 again')
        s.close()
        held += again
        print('ok: the 6 slots given back are taken again, and no more')

        log = d.log_text()
        for line in ('%s: already 16 sessions of that user (the limit); refused' % op1,
                     'the refusal before was repeated',
                     'session of %s: a request not whole 10 s after its first byte; closed' % op1,
                     'session of %s: no whole request 10 s after connecting; closed' % op1,
                     '%s: every slot open to an operator is in use' % OPERS[3]):
            check(line in log, 'not logged: %r' % line)
        check(log.count('refused') < 54, 'every refusal logged: a flood of log lines')
        check(d.alive(), 'ikeshd died')
        for r in held + idle:
            r.close()
        held, idle = [], []
        check(d.stop() == 0, 'ikeshd did not exit cleanly')
        return 0
    finally:
        for r in held:
            r.close()
        if d.alive():
            d.stop()
        cleanup(tmp)


def main():
    try:
        if not ensure_users(USERS):
            print('SKIP: needs root to create users and groups')
            return SKIP
        return run(sys.argv[1], sys.argv[2])
    except TestFailure as e:
        print('FAIL: %s' % e)
        return 1


if __name__ == '__main__':
    sys.exit(main())
