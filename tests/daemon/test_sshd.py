#!/usr/bin/env python3
"""ikesh as the login shell of SSH users, with ikeshd behind it.

usage: test_sshd.py CMAKE BUILD_DIR

Needs root and openssh-server (.ci/deps.sh installs it).  Installs the
build into a temporary prefix, starts ikeshd and an sshd of its own on
127.0.0.1 (a high port, a generated host key, public keys only), creates
an admin and an operator whose login shell is the installed ikesh, and
drives both over `ssh -tt` on a pseudo-terminal: prompt, `?`, a commit,
show, logout; plus one-shot `ssh user@host 'show running-config'`.  The
operator tries every way out to a system shell and gets none.
"""
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

from dlib import (SKIP, Daemon, Pty, TestFailure, admin_cmd, check, cleanup, ensure_users,
                  make_tmp)

ADMIN, OPER = 'ikt-ssh-admin', 'ikt-ssh-oper'
USERS = {ADMIN: ['ikesh', 'ikesh-admin'], OPER: ['ikesh']}
SSHD = '/usr/sbin/sshd'


def free_port():
    for _ in range(50):
        port = random.randint(20000, 60000)
        s = socket.socket()
        try:
            s.bind(('127.0.0.1', port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise TestFailure('no free port')


def setup_user(user, shell, home, pubkey):
    os.makedirs(os.path.join(home, '.ssh'), exist_ok=True)
    admin_cmd(['usermod', '-s', shell, '-d', home, '-p', '*', user])
    pw = pwd.getpwnam(user)
    with open(os.path.join(home, '.ssh', 'authorized_keys'), 'w') as f:
        f.write(pubkey)
    for p in (home, os.path.join(home, '.ssh'), os.path.join(home, '.ssh', 'authorized_keys')):
        os.chown(p, pw.pw_uid, pw.pw_gid)
    os.chmod(home, 0o755)
    os.chmod(os.path.join(home, '.ssh'), 0o700)
    os.chmod(os.path.join(home, '.ssh', 'authorized_keys'), 0o600)


def run(cmake, build):
    tmp = make_tmp()
    prefix = os.path.join(tmp, 'inst')
    d = Daemon(None, tmp)
    sshd = None
    sessions = []
    try:
        p = subprocess.run([cmake, '--install', build, '--prefix', prefix],
                           capture_output=True, text=True)
        check(p.returncode == 0, 'cmake --install: %s' % p.stderr)
        ikesh = os.path.join(prefix, 'sbin', 'ikesh')
        d.ikeshd = os.path.join(prefix, 'sbin', 'ikeshd')
        for root, dirs, _ in os.walk(tmp):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o755)
        with open(os.path.join(d.state, 'startup-config'), 'w') as f:
            f.write('hostname gw\n!\nipsec tunnel HQ\n remote-address 192.0.2.2\n'
                    ' authentication pre-share key ssh-test-secret\n!\n')
        d.start()

        key = os.path.join(tmp, 'client_key')
        hostkey = os.path.join(tmp, 'host_key')
        for k in (key, hostkey):
            subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', k], check=True)
        with open(key + '.pub') as f:
            pub = f.read()
        for u in USERS:
            setup_user(u, ikesh, os.path.join(tmp, 'home-' + u), pub)

        port = free_port()
        conf = os.path.join(tmp, 'sshd_config')
        with open(conf, 'w') as f:
            f.write('\n'.join([
                'Port %d' % port, 'ListenAddress 127.0.0.1', 'HostKey ' + hostkey,
                'PidFile ' + os.path.join(tmp, 'sshd.pid'), 'UsePAM no',
                'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
                'PubkeyAuthentication yes', 'AuthorizedKeysFile .ssh/authorized_keys',
                'StrictModes yes', 'PermitRootLogin no', 'AllowUsers %s %s' % (ADMIN, OPER),
                'X11Forwarding no', 'AllowTcpForwarding no', 'PermitTunnel no',
                'SetEnv IKESH_RUN_DIR=%s IKESH_STATE_DIR=%s' % (d.run, d.state),
                'LogLevel VERBOSE', '']))
        os.makedirs('/run/sshd', mode=0o755, exist_ok=True)
        slog = open(os.path.join(tmp, 'sshd.log'), 'wb')
        sshd = subprocess.Popen([SSHD, '-D', '-e', '-f', conf], stdout=slog, stderr=slog,
                                start_new_session=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(('127.0.0.1', port), 1).close()
                break
            except OSError:
                check(sshd.poll() is None and time.monotonic() < deadline,
                      'sshd did not start: %s' % open(os.path.join(tmp, 'sshd.log')).read())
                time.sleep(0.05)

        ssh = ['ssh', '-i', key, '-p', str(port), '-o', 'StrictHostKeyChecking=no',
               '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
               '-o', 'LogLevel=ERROR', '-F', '/dev/null']

        def oneshot(user, cmd):
            return subprocess.run(ssh + ['%s@127.0.0.1' % user, cmd], capture_output=True,
                                  text=True, timeout=30, stdin=subprocess.DEVNULL)

        # -- one-shot commands --
        r = oneshot(ADMIN, 'show running-config')
        check(r.returncode == 0 and 'ipsec tunnel HQ' in r.stdout,
              'one-shot as admin: %r %r %s' % (r.stdout, r.stderr,
                                                open(os.path.join(tmp, 'sshd.log')).read()[-2000:]))
        r = oneshot(OPER, 'show running-config')
        check(r.returncode == 0 and 'ipsec tunnel HQ' in r.stdout and
              'ssh-test-secret' not in r.stdout, 'one-shot as operator: %r %r' %
              (r.stdout, r.stderr))
        r = oneshot(OPER, 'show version')
        check('Engine: ikeshd (daemon)' in r.stdout, 'show version over ssh: %r' % r.stdout)
        print('ok: one-shot show running-config as admin and operator')

        # -- the admin, interactive --
        home = os.path.join(tmp, 'home-x')
        os.makedirs(home, exist_ok=True)
        a = Pty(None, None, home, argv=['/usr/bin/ssh', '-tt'] + ssh[1:] +
                ['%s@127.0.0.1' % ADMIN])
        sessions.append(a)
        a.read_until(r'gw#\s*$', timeout=20)
        os.write(a.fd, b'?')
        out = a.read_until(r'gw#\s*$')
        check('configure' in out and 'show' in out, '? at the prompt: %r' % out)
        os.write(a.fd, b'\x15')  # Ctrl-U: drop what `?` left on the line
        out = a.cmd('configure terminal', r'gw\(config\)#\s*$')
        a.cmd('hostname viassh', r'gw\(config\)#\s*$')
        out = a.cmd('commit', r'viassh\(config\)#\s*$')
        check('%' not in out, 'commit over ssh: %r' % out)
        a.cmd('end', r'viassh#\s*$')
        out = a.cmd('show running-config', r'viassh#\s*$')
        check('hostname viassh' in out, 'show over ssh: %r' % out)
        os.write(a.fd, b'logout\r')
        status = os.waitpid(a.pid, 0)[1]
        sessions.remove(a)
        check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
              'ssh session of the admin ended with %r' % status)
        print('ok: admin over ssh: prompt, ?, commit, show, logout')

        # -- the operator, interactive, looking for a way out --
        o = Pty(None, None, home, argv=['/usr/bin/ssh', '-tt'] + ssh[1:] +
                ['%s@127.0.0.1' % OPER])
        sessions.append(o)
        o.read_until(r'viassh>\s*$', timeout=20)
        for line in ('configure terminal', 'write memory', 'clear crypto ikev2 sa',
                     'debug crypto ikev2 packet'):
            out = o.cmd(line, r'viassh>\s*$')
            check('% Error: Access denied' in out, 'operator over ssh: %s: %r' % (line, out))
        for line in ('!sh', 'sh', '/bin/sh', 'shell', 'bash -i', 'show running-config | sh',
                     'run bash', 'show version; /bin/sh'):
            out = o.cmd(line, r'viassh>\s*$')
            # ikesh answers (`!` starts a comment) and its prompt comes back
            check(('%' in out or line.startswith('!')) and 'uid=' not in out and
                  '$ ' not in out,
                  'operator escape attempt %r: %r' % (line, out))
        os.write(o.fd, b'\x1a')  # Ctrl-Z: no job control to fall back to
        os.write(o.fd, b'\x03')  # Ctrl-C: a new line, same shell
        out = o.cmd('show users', r'viassh>\s*$')
        check(OPER in out and 'operator' in out, 'the operator lost its shell: %r' % out)
        os.write(o.fd, b'exit\r')
        status = os.waitpid(o.pid, 0)[1]
        sessions.remove(o)
        check(os.WIFEXITED(status), 'ssh of the operator: %r' % status)
        # one-shot commands are ikesh lines too, never a system shell's
        for cmd in ('/bin/sh -c id', 'id', 'exec /bin/sh', 'sh -c "id"'):
            r = oneshot(OPER, cmd)
            check(r.returncode != 0 and 'uid=' not in r.stdout + r.stderr,
                  'one-shot %r as operator: %r %r' % (cmd, r.stdout, r.stderr))
        print('ok: operator over ssh: denied, no way to a system shell')
        return 0
    finally:
        for s in sessions:
            s.kill()
        if sshd and sshd.poll() is None:
            sshd.send_signal(signal.SIGTERM)
            sshd.wait(10)
        if d.alive():
            d.stop()
        cleanup(tmp)


def main():
    if os.geteuid() != 0 or not os.path.exists(SSHD) or not shutil.which('ssh'):
        print('SKIP: needs root, %s and ssh (openssh-server, see .ci/deps.sh)' % SSHD)
        return SKIP
    try:
        ensure_users(USERS)
        return run(sys.argv[1], sys.argv[2])
    except TestFailure as e:
        print('FAIL: %s' % e)
        return 1


if __name__ == '__main__':
    sys.exit(main())
