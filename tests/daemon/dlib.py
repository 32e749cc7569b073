"""Shared pieces of the ikeshd tests: a daemon in a temporary directory,
test users and groups, ikesh on a pseudo-terminal, and raw protocol frames.
"""
import errno
import grp
import os
import pty
import pwd
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

SKIP = 77  # ctest SKIP_RETURN_CODE

# engine/ctl/ctl.h
CTL_VERSION = 1
OPS = ['', 'HELLO', 'CAND_BEGIN', 'CAND_ACTIVE', 'CAND_DIRTY', 'CAND_DISCARD', 'OBJ_GET',
       'OBJ_PUT', 'OBJ_DEL', 'KEYS', 'CONFIG_TEXT', 'OBJ_TEXT', 'CONFIG_CHANGES', 'COMMIT',
       'CONFIRM', 'CONFIRM_PENDING', 'COMMIT_LIST', 'COMMIT_CHANGES', 'ROLLBACK',
       'STARTUP_SAVE', 'LOG_TEXT', 'TUNNEL_EFFECTIVE', 'HOSTNAME', 'TUNNEL_STATUS',
       'IKE_STATS', 'CLEAR_IKE_SA', 'CLEAR_CHILD_SA', 'CLEAR_COUNTERS', 'CAND_EXCLUSIVE',
       'SESS_LIST', 'MONITOR', 'CLEAR_PEER', 'DEBUG_SET', 'DEBUG_GET', 'KEY_GENERATE',
       'KEY_IMPORT', 'KEY_ZEROIZE', 'KEY_LIST', 'PKI_IMPORT', 'PKI_ENROLL', 'PKI_CERTS',
       'PKI_TRUSTPOINTS']
OP = {name: i for i, name in enumerate(OPS) if name}
CTL_REPLY, CTL_EV_LOG = 0x8000, 0x8001


class TestFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise TestFailure(what)


def frame(op, seq, payload=b'', version=CTL_VERSION, length=None):
    n = len(payload) if length is None else length
    return struct.pack('=IHHI', n, version, op, seq) + payload


def u32(v):
    return struct.pack('=I', v)


def sstr(s):
    if s is None:
        return u32(0xffffffff)
    b = s.encode()
    return u32(len(b)) + b


class Raw:
    """A protocol client that says exactly what it is told to."""

    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.seq = 0
        self.logs = []

    def send(self, data):
        self.s.sendall(data)

    def recv_frame(self):
        hdr = self._exact(12)
        if hdr is None:
            return None
        n, ver, typ, seq = struct.unpack('=IHHI', hdr)
        body = self._exact(n) if n else b''
        return typ, seq, body

    def _exact(self, n):
        buf = b''
        while len(buf) < n:
            d = self.s.recv(n - len(buf))
            if not d:
                return None
            buf += d
        return buf

    def call(self, op, payload=b''):
        """The reply's return value (and the rest of its payload)."""
        self.seq += 1
        self.send(frame(OP[op] if isinstance(op, str) else op, self.seq, payload))
        while True:
            f = self.recv_frame()
            if f is None:
                return None, b''
            typ, seq, body = f
            if typ == CTL_EV_LOG:
                self.logs.append(body)
                continue
            check(typ == CTL_REPLY and seq == self.seq,
                  'reply type %#x seq %d for request %d' % (typ, seq, self.seq))
            rc = struct.unpack('=i', body[:4])[0]
            return rc, body[4:]

    def close(self):
        self.s.close()


class Daemon:
    def __init__(self, ikeshd, tmp, extra=()):
        self.ikeshd, self.tmp = ikeshd, tmp
        self.state = os.path.join(tmp, 'state')
        self.run = os.path.join(tmp, 'run')
        self.sock = os.path.join(self.run, 'ikeshd.sock')
        self.log = os.path.join(tmp, 'ikeshd.log')
        self.extra = list(extra)
        self.proc = None
        os.makedirs(self.state, exist_ok=True)
        os.makedirs(self.run, exist_ok=True)

    def start(self, env=None):
        logf = open(self.log, 'ab')
        self.proc = subprocess.Popen([self.ikeshd, '--no-ike', '--stderr', '--state-dir',
                                      self.state, '--run-dir', self.run] + self.extra,
                                     stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                                     start_new_session=True, env=env)
        logf.close()
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise TestFailure('ikeshd exited at start (%d): %s' %
                                  (self.proc.returncode, self.log_text()))
            if os.path.exists(self.sock):
                try:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(self.sock)
                    s.close()
                    return
                except OSError:
                    pass
            if time.monotonic() > deadline:
                raise TestFailure('ikeshd did not listen')
            time.sleep(0.02)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise TestFailure('ikeshd did not stop on signal %d' % sig)

    def alive(self):
        return self.proc and self.proc.poll() is None

    def log_text(self):
        try:
            with open(self.log, errors='replace') as f:
                return f.read()
        except OSError:
            return ''


def make_tmp():
    tmp = tempfile.mkdtemp(prefix='ikeshd-test-')
    os.chmod(tmp, 0o755)
    return tmp


def admin_cmd(cmd):
    """groupadd/useradd/usermod, retried: tests running side by side lock
    /etc/group and /etc/passwd in turn."""
    for attempt in range(20):
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode == 0 or (cmd[0] == 'useradd' and p.returncode == 9):
            return
        time.sleep(0.25)
    raise TestFailure('%s: %s' % (' '.join(cmd), p.stderr))


def ensure_users(spec):
    """spec: {name: [groups]}.  Creates the groups and users (no home, no
    login); returns False when not root."""
    if os.geteuid() != 0:
        return False
    for groups in spec.values():
        for g in groups:
            try:
                grp.getgrnam(g)
            except KeyError:
                admin_cmd(['groupadd', '-f', g])
    for user, groups in spec.items():
        try:
            pwd.getpwnam(user)
        except KeyError:
            cmd = ['useradd', '-M', '-N', '-s', '/usr/sbin/nologin']
            if groups:
                cmd += ['-G', ','.join(groups)]
            admin_cmd(cmd + [user])
        else:
            if groups:
                admin_cmd(['usermod', '-a', '-G', ','.join(groups), user])
    return True


def as_user(user):
    """preexec_fn switching to user with its groups."""
    pw = pwd.getpwnam(user)

    def switch():
        os.initgroups(user, pw.pw_gid)
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return switch


def user_home(tmp, user):
    home = os.path.join(tmp, 'home-' + user)
    os.makedirs(home, exist_ok=True)
    pw = pwd.getpwnam(user)
    os.chown(home, pw.pw_uid, pw.pw_gid)
    return home


def env_for(d, home):
    return {'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'TERM': 'vt100', 'INPUTRC': '/dev/null',
            'HOME': home, 'LANG': 'C', 'TZ': 'UTC', 'IKESH_STATE_DIR': d.state,
            'IKESH_RUN_DIR': d.run, **{k: os.environ[k] for k in
                                       ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS')
                                       if k in os.environ}}


def ikesh_c(ikesh, d, home, cmds, user=None, timeout=30, stdin=None):
    """ikesh -c CMD...: (exit status, stdout, stderr)."""
    argv = [ikesh]
    for c in cmds:
        argv += ['-c', c]
    p = subprocess.run(argv, env=env_for(d, home), capture_output=True, text=True,
                       timeout=timeout, preexec_fn=as_user(user) if user else None,
                       input=stdin)
    return p.returncode, p.stdout, p.stderr


ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\r|\x07')


class Pty:
    """ikesh on a pseudo-terminal, driven line by line."""

    def __init__(self, ikesh, d, home, user=None, argv=None):
        env = env_for(d, home) if d else {'PATH': '/usr/bin:/bin', 'TERM': 'vt100',
                                          'HOME': home, 'LANG': 'C'}
        argv = argv or [ikesh]
        pid, fd = pty.fork()
        if pid == 0:
            try:
                if user:
                    as_user(user)()
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd, self.buf = pid, fd, ''

    def drain(self):
        """Forget what was shown so far (prompts redrawn meanwhile)."""
        while select.select([self.fd], [], [], 0.05)[0]:
            try:
                if not os.read(self.fd, 65536):
                    break
            except OSError:
                break
        self.buf = ''

    def read_until(self, pattern, timeout=15):
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = ANSI.sub('', self.buf)
            m = rx.search(text)
            if m:
                self.buf = ''
                return text
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure('timeout waiting for %r; got %r' % (pattern, text[-400:]))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    data = b''
                if not data:
                    raise TestFailure('ikesh ended waiting for %r; got %r' %
                                      (pattern, ANSI.sub('', self.buf)[-400:]))
                self.buf += data.decode('utf-8', 'replace')

    def cmd(self, line, prompt=r'[#>]\s*$', timeout=15):
        """Type a line; the output up to the next prompt."""
        self.drain()
        os.write(self.fd, line.encode() + b'\r')
        return self.read_until(prompt, timeout)

    def close(self, timeout=10):
        try:
            os.write(self.fd, b'\x1a')  # Ctrl-Z: back to EXEC
            time.sleep(0.1)
            os.write(self.fd, b'end\rexit\r')
        except OSError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return status
            try:
                r, _, _ = select.select([self.fd], [], [], 0.1)
                if r:
                    os.read(self.fd, 65536)
            except OSError:
                time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        raise TestFailure('ikesh did not exit')

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass


def cleanup(tmp):
    shutil.rmtree(tmp, ignore_errors=True)
