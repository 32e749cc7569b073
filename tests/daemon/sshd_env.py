"""A private sshd on 127.0.0.1 whose users have ikesh as their login shell,
with ikeshd behind it: the setup of test_sshd.py, for tests that drive SSH
clients (netmiko, Ansible, paramiko).  Needs root and openssh-server.
"""
import os
import pwd
import random
import signal
import socket
import subprocess
import time

from dlib import Daemon, TestFailure, admin_cmd, check, cleanup, ensure_users, make_tmp

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


class SshdEnv:
    """users: {name: [groups]}; startup: the startup-config text."""

    def __init__(self, cmake, build, users, startup):
        self.cmake, self.build, self.users, self.startup = cmake, build, users, startup
        self.tmp = make_tmp()
        self.d = Daemon(None, self.tmp)
        self.sshd = None
        self.port = None
        self.key = os.path.join(self.tmp, 'client_key')

    def sshd_log(self):
        with open(os.path.join(self.tmp, 'sshd.log'), errors='replace') as f:
            return f.read()

    def start(self):
        tmp = self.tmp
        ensure_users(self.users)
        prefix = os.path.join(tmp, 'inst')
        p = subprocess.run([self.cmake, '--install', self.build, '--prefix', prefix],
                           capture_output=True, text=True)
        check(p.returncode == 0, 'cmake --install: %s' % p.stderr)
        ikesh = os.path.join(prefix, 'sbin', 'ikesh')
        self.d.ikeshd = os.path.join(prefix, 'sbin', 'ikeshd')
        for root, dirs, _ in os.walk(tmp):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o755)
        with open(os.path.join(self.d.state, 'startup-config'), 'w') as f:
            f.write(self.startup)
        self.d.start()

        hostkey = os.path.join(tmp, 'host_key')
        for k in (self.key, hostkey):
            subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', k], check=True)
        with open(self.key + '.pub') as f:
            pub = f.read()
        for u in self.users:
            setup_user(u, ikesh, os.path.join(tmp, 'home-' + u), pub)

        self.port = free_port()
        conf = os.path.join(tmp, 'sshd_config')
        with open(conf, 'w') as f:
            f.write('\n'.join([
                'Port %d' % self.port, 'ListenAddress 127.0.0.1', 'HostKey ' + hostkey,
                'PidFile ' + os.path.join(tmp, 'sshd.pid'), 'UsePAM no',
                'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
                'PubkeyAuthentication yes', 'AuthorizedKeysFile .ssh/authorized_keys',
                'StrictModes yes', 'PermitRootLogin no', 'AllowUsers ' + ' '.join(self.users),
                'X11Forwarding no', 'AllowTcpForwarding no', 'PermitTunnel no',
                'SetEnv IKESH_RUN_DIR=%s IKESH_STATE_DIR=%s' % (self.d.run, self.d.state),
                'LogLevel VERBOSE', '']))
        os.makedirs('/run/sshd', mode=0o755, exist_ok=True)
        slog = open(os.path.join(tmp, 'sshd.log'), 'wb')
        self.sshd = subprocess.Popen([SSHD, '-D', '-e', '-f', conf], stdout=slog, stderr=slog,
                                     start_new_session=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                break
            except OSError:
                check(self.sshd.poll() is None and time.monotonic() < deadline,
                      'sshd did not start: %s' % self.sshd_log())
                time.sleep(0.05)

    def ikesh_c(self, user, *lines):
        """One-shot `ssh USER@host 'LINE<newline>LINE...'` (ikesh -c splits a
        command at newlines): (status, stdout, stderr)."""
        cmd = '\n'.join(lines)
        r = subprocess.run(['ssh', '-i', self.key, '-p', str(self.port),
                            '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
                            '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-F', '/dev/null',
                            '%s@127.0.0.1' % user, cmd],
                           capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout, r.stderr

    def stop(self):
        if self.sshd and self.sshd.poll() is None:
            self.sshd.send_signal(signal.SIGTERM)
            self.sshd.wait(10)
        if self.d.alive():
            self.d.stop()
        cleanup(self.tmp)
