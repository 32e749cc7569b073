#!/usr/bin/env python3
"""ikeshd with several ikesh clients at once, and roles.

usage: test_sessions.py IKESHD IKESH

Needs root (it creates test users and the groups ikesh and ikesh-admin).
  - two admins editing different tunnels both commit (the second merges);
  - two admins editing the same tunnel: the second commit fails naming the
    first admin, and running keeps the first admin's change;
  - an operator gets `ikesh>` and `% Access denied` for every command that
    changes state, sees no secret, and changes nothing;
  - the same operator through a raw socket forging every state-changing
    request: each refused by the daemon (-EPERM), nothing changed;
  - a user in neither group cannot use the daemon, and does not silently
    get an engine of its own either.
"""
import grp
import os
import re
import shutil
import signal
import struct
import subprocess
import sys

from dlib import (SKIP, Daemon, Pty, Raw, TestFailure, as_user, check, cleanup, ensure_users,
                  ikesh_c, make_tmp, sstr, u32, user_home)

ADMIN1, ADMIN2, OPER, NOBODY = 'ikt-alice', 'ikt-bob', 'ikt-carol', 'ikt-dave'
USERS = {ADMIN1: ['ikesh', 'ikesh-admin'], ADMIN2: ['ikesh', 'ikesh-admin'],
         OPER: ['ikesh'], NOBODY: []}
EPERM = -1
CFG = r'ikesh\(config\)#\s*$'
TUN = r'ikesh\(config-ipsec-tunnel\)#\s*$'


def tunnel(s, name, lines):
    s.cmd('ipsec tunnel ' + name, TUN)
    for line in lines:
        out = s.cmd(line, TUN)
        check('%' not in out.split('\n', 1)[-1], '%s: %r' % (line, out))
    s.cmd('exit', CFG)


def forge(sock):
    """Run as the operator: every state-changing request, forged."""
    r = Raw(sock)
    rc, body = r.call('HELLO')
    check(rc == 0, 'HELLO %r' % rc)
    n = struct.unpack('=I', body[:4])[0]
    check(body[4 + n] == 0, 'the daemon took the operator for an admin')
    hostile_global = u32(64) + b'pwned'.ljust(64, b'\0')
    forged = [
        ('CAND_BEGIN', b''),
        ('CAND_EXCLUSIVE', b''),
        ('OBJ_PUT', u32(0) + hostile_global),
        ('OBJ_DEL', u32(5) + sstr('A')),
        ('COMMIT', sstr('forged') + u32(0) + b'\0'),
        ('COMMIT', sstr(None) + u32(5) + b'\0'),
        ('CONFIRM', b''),
        ('ROLLBACK', u32(1)),
        ('STARTUP_SAVE', b''),
        ('CLEAR_IKE_SA', sstr(None)),
        ('CLEAR_CHILD_SA', sstr('A')),
        ('CLEAR_COUNTERS', b''),
        ('CLEAR_PEER', u32(17) + bytes([2]) + bytes(16)),
        ('DEBUG_SET', u32(0x1f) + b'\x01'),
    ]
    for op, payload in forged:
        rc, _ = r.call(op, payload)
        check(rc == EPERM, 'forged %s: rc %r, expected -EPERM' % (op, rc))
    # reads are allowed, but secrets stay masked whatever the flags say
    rc, body = r.call('CONFIG_TEXT', u32(0) + u32(1))
    check(rc == 0 and b'ipsec tunnel A' in body, 'CONFIG_TEXT %r' % rc)
    check(b'alice-secret' not in body, 'a secret reached the operator (CONFIG_TEXT)')
    rc, body = r.call('OBJ_GET', u32(0) + u32(5) + sstr('A'))
    check(rc == 0 and b'alice-secret' not in body, 'OBJ_GET %r / secret' % rc)
    rc, body = r.call('TUNNEL_EFFECTIVE', u32(0) + sstr('A'))
    check(rc == 0 and b'alice-secret' not in body, 'TUNNEL_EFFECTIVE %r / secret' % rc)
    r.close()
    print('forged requests refused: %d' % len(forged))
    return 0


def run(ikeshd, ikesh):
    tmp = make_tmp()
    d = Daemon(ikeshd, tmp)
    sessions = []
    try:
        for p in (d.state, d.run):
            os.chmod(p, 0o755)
        d.start()
        home = {u: user_home(tmp, u) for u in USERS}
        home['root'] = user_home(tmp, 'root')

        st = os.stat(d.sock)
        check(st.st_mode & 0o777 == 0o660 and st.st_gid == grp.getgrnam('ikesh').gr_gid,
              'socket mode %o gid %d' % (st.st_mode & 0o777, st.st_gid))

        # -- two admins, different tunnels: both commit --
        a = Pty(ikesh, d, home[ADMIN1], ADMIN1)
        b = Pty(ikesh, d, home[ADMIN2], ADMIN2)
        sessions += [a, b]
        a.read_until(r'ikesh#\s*$')
        b.read_until(r'ikesh#\s*$')
        a.cmd('configure terminal', CFG)
        b.cmd('configure terminal', CFG)
        tunnel(a, 'A', ['remote-address 192.0.2.2', 'authentication pre-share key alice-secret-1'])
        tunnel(b, 'B', ['remote-address 192.0.2.3', 'authentication pre-share key bob-secret-2'])
        out = a.cmd('commit', CFG)
        check('%' not in out, 'first commit: %r' % out)
        out = b.cmd('commit', CFG)
        check('%' not in out, 'second commit (different tunnel) should merge: %r' % out)
        rc, out, err = ikesh_c(ikesh, d, home['root'], ['show running-config'])
        check(rc == 0 and 'ipsec tunnel A' in out and 'ipsec tunnel B' in out,
              'running after both commits: %r %r' % (out, err))
        print('ok: two admins, different tunnels, both committed')

        # -- the same tunnel: the second commit is refused --
        tunnel(a, 'A', ['description by alice'])
        tunnel(b, 'A', ['description by bob'])
        out = a.cmd('commit', CFG)
        check('%' not in out, 'commit of A by alice: %r' % out)
        out = b.cmd('commit', CFG)
        check('% Error: Failed to commit' in out and 'tunnel A was changed by %s at' % ADMIN1 in out and
              'review with show configuration changes' in out,
              'conflict expected, got %r' % out)
        rc, out, err = ikesh_c(ikesh, d, home['root'], ['show running-config'])
        check('description by alice' in out and 'description by bob' not in out,
              'running after the conflict: %r' % out)
        print('ok: same tunnel, second commit refused naming the first admin')
        for s in (a, b):
            s.cmd('abort', r'ikesh#\s*$')

        before = ikesh_c(ikesh, d, home['root'], ['show running-config secrets',
                                                   'show configuration commit list'])[1]
        rc, out, err = ikesh_c(ikesh, d, home['root'], ['write memory'])
        check(rc == 0, 'write memory as root: %r' % err)
        with open(os.path.join(d.state, 'startup-config'), 'rb') as f:
            startup = f.read()

        # -- the operator through ikesh --
        c = Pty(ikesh, d, home[OPER], OPER)
        sessions.append(c)
        c.read_until(r'ikesh>\s*$')
        for line in ('configure terminal', 'configure', 'write memory', 'write',
                     'copy running-config startup-config', 'clear crypto ikev2 sa',
                     'clear crypto ipsec sa', 'clear crypto ipsec sa counters',
                     'clear crypto session', 'show running-config secrets',
                     'debug crypto ikev2 packet', 'debug kernel xfrm'):
            out = c.cmd(line, r'ikesh>\s*$')
            check('% Error: Access denied' in out, 'operator: %s gave %r' % (line, out))
        out = c.cmd('show running-config', r'ikesh>\s*$')
        check('ipsec tunnel A' in out and 'alice-secret' not in out and
              'bob-secret' not in out, 'operator show running-config: %r' % out)
        # admins get the sealed form; the operator the mask, never the sealed text
        sealed = ikesh_c(ikesh, d, home['root'], ['show running-config'])[1]
        check(' authentication pre-share key 6 ' in sealed, 'admin sealed: %r' % sealed)
        check(' authentication pre-share key *****' in out and ' key 6 ' not in out,
              'operator show running-config masks: %r' % out)
        for line in ('copy /etc/hostname running-config', 'configure replace /etc/hostname'):
            out = c.cmd(line, r'ikesh>\s*$')
            check('% Error: Access denied' in out, 'operator: %s gave %r' % (line, out))
        out = c.cmd('show version', r'ikesh>\s*$')
        check('Engine: ikeshd (daemon)' in out, 'show version: %r' % out)
        rc, out, err = ikesh_c(ikesh, d, home[OPER], ['configure terminal'], user=OPER)
        check(rc != 0 and '% Error: Access denied' in err, 'operator -c configure: %r %r' % (out, err))
        rc, out, err = ikesh_c(ikesh, d, home[OPER], [], user=OPER,
                               stdin='configure terminal\nhostname pwned\nend\n')
        check(rc != 0 and 'Access denied' in err, 'operator script: %r %r' % (out, err))
        print('ok: operator refused through ikesh')

        # -- the operator forging requests on the socket --
        # a copy the operator can read, run by a Python it can run
        here = os.path.dirname(os.path.abspath(__file__))
        fdir = os.path.join(tmp, 'forge')
        os.makedirs(fdir)
        for name in ('dlib.py', os.path.basename(__file__)):
            shutil.copy(os.path.join(here, name), fdir)
        os.chmod(fdir, 0o755)
        py = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
        p = subprocess.run([py, os.path.join(fdir, os.path.basename(__file__)), '--forge',
                            d.sock],
                           capture_output=True, text=True, timeout=60,
                           preexec_fn=as_user(OPER), cwd='/')
        check(p.returncode == 0, 'forging operator: %s%s' % (p.stdout, p.stderr))
        print('ok: ' + p.stdout.strip())
        after = ikesh_c(ikesh, d, home['root'], ['show running-config secrets',
                                                  'show configuration commit list'])[1]
        check(after == before, 'the operator changed something:\n%s\n---\n%s' % (before, after))
        with open(os.path.join(d.state, 'startup-config'), 'rb') as f:
            check(f.read() == startup, 'startup-config changed')
        check('refused' in d.log_text(), 'the refusals are not logged')

        # -- configure exclusive: the others can neither begin nor commit --
        b.cmd('configure terminal', CFG)
        tunnel(b, 'B', ['description by bob, under the lock'])
        out = a.cmd('configure exclusive', CFG)
        check('%' not in out, 'configure exclusive: %r' % out)
        out = b.cmd('commit', CFG)
        check('% Error: Failed to commit' in out and 'locked by %s' % ADMIN1 in out,
              'commit under another session\'s lock: %r' % out)
        b.cmd('abort', r'ikesh#\s*$')
        out = b.cmd('configure terminal', r'ikesh#\s*$')
        check('%% Error: Configuration is locked by %s (configure exclusive)' % ADMIN1 in out,
              'configure under the lock: %r' % out)
        out = c.cmd('show users', r'ikesh>\s*$')
        check(re.search(r'^  %s +admin +\S+ \S+ config exclusive$' % ADMIN1, out, re.M) and
              re.search(r'^  %s +admin +\S+ \S+ exec$' % ADMIN2, out, re.M) and
              re.search(r'^\* %s +operator +\S+ \S+ exec$' % OPER, out, re.M),
              'show users: %r' % out)
        # the lock goes with its session, however it ends
        a.kill()
        sessions.remove(a)
        out = b.cmd('configure terminal', CFG, timeout=10)
        check('%' not in out, 'the lock outlived its session: %r' % out)
        tunnel(b, 'B', ['description by bob, after the lock'])
        out = b.cmd('commit', CFG)
        check('%' not in out, 'commit after the lock: %r' % out)
        b.cmd('end', r'ikesh#\s*$')
        check('configuration unlocked' in d.log_text(), 'the unlock is not logged')
        print('ok: configure exclusive blocks the others until its session ends')

        # -- neither group: no daemon, and no private engine either --
        rc, out, err = ikesh_c(ikesh, d, home[NOBODY], ['show version'], user=NOBODY)
        check(rc != 0 and 'Engine' not in out and 'Permission denied' in err and
              'lost' not in err, 'user without a role: %r %r' % (out, err))
        print('ok: a user in neither group is refused')

        # -- terminal monitor: every log line to that session only --
        mon, quiet = Raw(d.sock), Raw(d.sock)
        for r in (mon, quiet):
            check(r.call('HELLO')[0] == 0, 'HELLO')
        check(mon.call('MONITOR', b'\x01')[0] == 0, 'MONITOR on')
        check(mon.call('MONITOR', b'\x02')[0] == -74, 'MONITOR with a bad flag')  # EBADMSG
        out = c.cmd('terminal monitor', r'ikesh>\s*$')
        rc, out, err = ikesh_c(ikesh, d, home['root'],
                               ['configure terminal', 'hostname monitored', 'end'])
        check(rc == 0, 'commit for the monitor test: %r' % err)
        c.read_until(r'commit \d+ by root', timeout=10)
        for r in (mon, quiet):
            r.call('HELLO')  # whatever was sent before this reply has arrived
        check(any(b'by root' in l for l in mon.logs), 'no log line with terminal monitor')
        check(not any(b'by root' in l for l in quiet.logs),
              'a log line reached a session without terminal monitor: %r' % quiet.logs)
        mon.close()
        quiet.close()
        print('ok: terminal monitor streams to that session only')

        # SIGHUP is no reload: nothing changes, every session stays
        before = ikesh_c(ikesh, d, home['root'], ['show running-config'])[1]
        d.proc.send_signal(signal.SIGHUP)
        out = b.cmd('show users', r'monitored#\s*$')
        check(d.alive() and ADMIN2 in out, 'after SIGHUP: %r' % out)
        check(ikesh_c(ikesh, d, home['root'], ['show running-config'])[1] == before,
              'SIGHUP changed the running configuration')
        check('SIGHUP ignored' in d.log_text(), 'SIGHUP not logged')

        for s in sessions:
            s.close()
        sessions = []
        check(d.stop() == 0, 'ikeshd did not exit cleanly on SIGTERM')
        check(not os.path.exists(d.sock), 'the socket is left behind')
        return 0
    finally:
        for s in sessions:
            s.kill()
        if d.alive():
            d.stop()
        cleanup(tmp)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--forge':
        return forge(sys.argv[2])
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
