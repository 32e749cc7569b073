#!/usr/bin/env python3
"""Transcript runner for ikesh (Python 3 standard library only).

A transcript lists what is typed and what the screen must show afterwards;
the runner starts ikesh on a real pseudo-terminal (or on pipes, for
scripts) with fresh state and run directories, feeds the keys, renders the
output with a small VT100 emulator and compares the screen exactly.  The
format is described in README.md next to this file.

usage: transcript.py --ikesh PATH [--configs DIR] FILE...
       transcript.py --selftest
"""

import argparse
import difflib
import fcntl
import os
import pwd
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROWS, COLS = 24, 80
IDLE = 0.15  # after a signal: seconds without output (and ikesh asleep) = settled
SETTLE_MAX = 30.0  # generous: sanitizer builds on a loaded machine
# What ikesh prints (IKESH_TEST_READY=1) each time it waits for the
# terminal: how many bytes it has read from it.  In the same stream as the
# screen, so everything shown before it has arrived when it has.
READY = re.compile(rb'\x1b\]ikesh-ready;(\d+)\x07')
READY_PREFIX = b'\x1b]ikesh-ready;'


# ---- The screen ----------------------------------------------------------

class Screen:
    """A VT100 subset: enough for readline and the pager.

    Lines scrolled off the top are kept, so the whole session can be
    compared; `visible()` is the last `rows` lines only."""

    def __init__(self, rows=ROWS, cols=COLS):
        self.rows, self.cols = rows, cols
        self.lines = [[]]
        self.row = 0  # absolute index into self.lines
        self.col = 0
        self.wrap_pending = False
        self.state = None  # None, 'esc', 'csi'
        self.params = ''

    def _top(self):
        return max(0, len(self.lines) - self.rows)

    def _line(self):
        while self.row >= len(self.lines):
            self.lines.append([])
        return self.lines[self.row]

    def _put(self, ch):
        if self.wrap_pending:
            self.row += 1
            self.col = 0
            self.wrap_pending = False
        line = self._line()
        while len(line) < self.col:
            line.append(' ')
        if self.col < len(line):
            line[self.col] = ch
        else:
            line.append(ch)
        if self.col == self.cols - 1:
            self.wrap_pending = True
        else:
            self.col += 1

    def _csi(self, final):
        p = self.params
        priv = p.startswith('?')
        nums = [int(x) if x.isdigit() else 0 for x in p.lstrip('?').split(';')] if p else []
        n = nums[0] if nums and nums[0] > 0 else 1
        self.wrap_pending = False
        if priv or final in 'mhlr':
            return
        if final == 'A':
            self.row = max(self._top(), self.row - n)
        elif final == 'B':
            self.row += n
            self._line()
        elif final == 'C':
            self.col = min(self.cols - 1, self.col + n)
        elif final == 'D':
            self.col = max(0, self.col - n)
        elif final in 'Hf':
            r = nums[0] if nums and nums[0] > 0 else 1
            c = nums[1] if len(nums) > 1 and nums[1] > 0 else 1
            self.row = self._top() + r - 1
            self.col = c - 1
            self._line()
        elif final == 'K':
            mode = nums[0] if nums else 0
            line = self._line()
            if mode == 0:
                del line[self.col:]
            elif mode == 1:
                for i in range(min(self.col + 1, len(line))):
                    line[i] = ' '
            else:
                line.clear()
        elif final == 'J':
            mode = nums[0] if nums else 0
            if mode == 0:
                del self._line()[self.col:]
                del self.lines[self.row + 1:]
            elif mode == 2:
                for i in range(self._top(), len(self.lines)):
                    self.lines[i] = []
        elif final == 'P':
            del self._line()[self.col:self.col + n]
        elif final == '@':
            line = self._line()
            if self.col <= len(line):
                line[self.col:self.col] = [' '] * n
        else:
            raise ValueError('unsupported escape sequence ESC[%s%s' % (p, final))

    def feed(self, text):
        for ch in text:
            if self.state == 'esc':
                if ch == '[':
                    self.state, self.params = 'csi', ''
                else:
                    self.state = None  # ESC = / ESC > / ESC 7 ...: no effect here
                continue
            if self.state == 'csi':
                if ch.isdigit() or ch in ';?':
                    self.params += ch
                else:
                    self.state = None
                    self._csi(ch)
                continue
            if ch == '\x1b':
                self.state = 'esc'
            elif ch == '\r':
                self.col = 0
                self.wrap_pending = False
            elif ch == '\n':
                self.row += 1
                self._line()
                self.wrap_pending = False
            elif ch == '\b':
                self.wrap_pending = False
                self.col = max(0, self.col - 1)
            elif ch == '\t':
                self.col = min(self.cols - 1, (self.col // 8 + 1) * 8)
            elif ch == '\a' or ch == '\x00':
                pass
            elif ord(ch) < 32:
                pass
            else:
                self._put(ch)

    @staticmethod
    def _clean(lines):
        out = [''.join(line).rstrip() for line in lines]
        while out and out[-1] == '':
            out.pop()
        return out

    def text(self):
        return self._clean(self.lines)

    def visible(self):
        return self._clean(self.lines[self._top():])


# ---- Keys ----------------------------------------------------------------

KEYS = {
    'CR': '\r', 'TAB': '\t', 'ESC': '\x1b', 'SP': ' ', 'LT': '<', 'BS': '\x7f',
    'UP': '\x1b[A', 'DOWN': '\x1b[B', 'RIGHT': '\x1b[C', 'LEFT': '\x1b[D',
}


def parse_keys(text):
    """'show ru<TAB>' -> [('keys', 'show ru\\t')]; <SLEEP 1.5> is a pause."""
    parts, buf = [], ''
    for tok in re.split(r'(<[^<>]+>)', text):
        m = re.fullmatch(r'<([^<>]+)>', tok)
        if not m:
            buf += tok
            continue
        name = m.group(1)
        if name in KEYS:
            buf += KEYS[name]
        elif re.fullmatch(r'C-[a-z@\[\\\]^_]', name):
            buf += chr(ord(name[2].upper()) & 0x1f)
        elif name.startswith('SLEEP '):
            if buf:
                parts.append(('keys', buf))
                buf = ''
            parts.append(('sleep', float(name.split()[1])))
        elif name in ('SIGHUP', 'SIGTERM', 'SIGINT', 'SIGTSTP', 'SIGTTOU', 'SIGTTIN'):
            if buf:
                parts.append(('keys', buf))
                buf = ''
            parts.append(('signal', getattr(signal, name)))
        elif re.fullmatch(r'ROWS \d+', name):
            if buf:
                parts.append(('keys', buf))
                buf = ''
            parts.append(('rows', int(name.split()[1])))
        elif name == 'NOSETTLE':
            parts.append(('nosettle', None))
        else:
            raise ValueError('unknown key <%s>' % name)
    if buf:
        parts.append(('keys', buf))
    return parts


# ---- Transcripts -----------------------------------------------------------

class Step:
    def __init__(self, kind, arg):
        self.kind, self.arg = kind, arg  # 'pty' | 'run' | 'exec'
        self.sections = {}
        self.visible = False


def parse(path):
    """Returns (setup directives, steps)."""
    setup = {'config': None, 'env': {}, 'files': [], 'masks': []}
    steps = []
    cur = None  # (dict, key) a body is appended to
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    for lineno, line in enumerate(lines, 1):
        if not line.startswith('@@'):
            if cur is not None:
                cur[0][cur[1]].append(line)
            continue
        words = line[2:].strip()
        name, _, rest = words.partition(' ')
        rest = rest.strip()
        cur = None
        where = '%s:%d' % (path, lineno)
        if name.startswith('#') or name == '':
            continue
        if name == 'config':
            setup['config'] = rest
        elif name == 'mask':
            regex, sep, repl = rest.partition(' => ')
            if not sep:
                raise ValueError('%s: @@ mask REGEX => REPLACEMENT' % where)
            setup['masks'].append((re.compile(regex), repl))
        elif name == 'env':
            k, _, v = rest.partition('=')
            setup['env'][k] = v
        elif name == 'file':
            fname, _, mode = rest.partition(' ')
            entry = {'name': fname, 'mode': int(mode or '644', 8), 'body': []}
            setup['files'].append(entry)
            cur = (entry, 'body')
        elif name in ('pty', 'run', 'exec'):
            steps.append(Step(name, rest))
        elif name in ('input', 'screen', 'stdin', 'stdout', 'stderr'):
            if not steps:
                raise ValueError('%s: @@ %s before @@ pty or @@ run' % (where, name))
            steps[-1].sections[name] = []
            if name == 'screen' and rest == 'visible':
                steps[-1].visible = True
            cur = (steps[-1].sections, name)
        elif name == 'exit':
            if not steps:
                raise ValueError('%s: @@ exit before @@ pty or @@ run' % where)
            steps[-1].sections['exit'] = int(rest)
        else:
            raise ValueError('%s: unknown directive @@ %s' % (where, name))
    for step in steps:
        for k, v in step.sections.items():
            if isinstance(v, list):
                while v and v[-1] == '':
                    v.pop()
    for entry in setup['files']:
        while entry['body'] and entry['body'][-1] == '':
            entry['body'].pop()
    return setup, steps


class Failure(Exception):
    pass


def proc_sleeping(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ('S', 'Z', 'X', 't', 'T', 'I')


class Pty:
    def __init__(self, argv, env):
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack('HHHH', ROWS, COLS, 0, 0))
        self.initial = termios.tcgetattr(self.slave)
        slave = self.slave

        def child_setup():
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     preexec_fn=child_setup, close_fds=True)
        self.screen = Screen()
        self.raw = b''
        self.decoder_buf = b''
        self.held = b''  # the start of a ready mark not yet whole
        self.typed = 0  # bytes written to the terminal
        self.ready = None  # the count of the last ready mark since typing

    def _drain(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        if not data:
            return False
        data = self._marks(self.held + data)
        self.raw += data
        buf = self.decoder_buf + data
        try:
            text = buf.decode('utf-8')
            self.decoder_buf = b''
        except UnicodeDecodeError as e:
            text = buf[:e.start].decode('utf-8')
            self.decoder_buf = buf[e.start:]
        self.screen.feed(text)
        return True

    def _marks(self, data):
        """Take the ready marks out of the output; hold back a partial one."""
        out, pos = b'', 0
        for m in READY.finditer(data):
            out += data[pos:m.start()]
            self.ready = int(m.group(1))
            pos = m.end()
        rest = data[pos:]
        cut = rest.rfind(b'\x1b')
        tail = rest[cut:] if cut >= 0 else b''
        if tail and (READY_PREFIX.startswith(tail) or
                     (tail.startswith(READY_PREFIX) and tail[len(READY_PREFIX):].isdigit())):
            self.held, rest = tail, rest[:cut]
        else:
            self.held = b''
        return out + rest

    def settle(self, limit=SETTLE_MAX, signalled=False):
        """Wait until ikesh waits for the terminal having read every byte
        typed (its ready mark), or has ended.  After a signal, which
        types nothing, also until it printed nothing for IDLE seconds."""
        deadline = time.monotonic() + limit
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            if self._drain(0.03):
                quiet_since = time.monotonic()
                continue
            if self.ready == self.typed and (
                    not signalled or (time.monotonic() - quiet_since >= IDLE and
                                      proc_sleeping(self.proc.pid))):
                return
            if self.proc.poll() is not None:
                while self._drain(0.05):
                    pass
                return
        raise Failure('ikesh did not settle within %.0f s (read %s of %d bytes typed)' %
                      (limit, self.ready, self.typed))

    def pause(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._drain(min(0.05, max(0.0, end - time.monotonic())))

    def send(self, keys):
        if self.proc.poll() is not None:
            raise Failure('ikesh exited (status %d) before the input %r'
                          % (self.proc.returncode, keys))
        data = keys.encode('utf-8')
        self.ready = None
        try:
            while data:
                n = os.write(self.master, data)
                self.typed += n
                data = data[n:]
        except OSError as e:
            raise Failure('cannot type %r: %s' % (keys, e))

    def finish(self, expect_exit):
        """Wait for the exit (or end the session with SIGTERM)."""
        if expect_exit is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + SETTLE_MAX
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._drain(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            raise Failure('ikesh did not exit')
        while self._drain(0.05):
            pass
        restored = termios.tcgetattr(self.slave) == self.initial
        os.close(self.master)
        os.close(self.slave)
        return self.proc.returncode, restored


def diff(what, want, got):
    lines = list(difflib.unified_diff(want, got, 'expected ' + what, 'actual ' + what,
                                      lineterm='', n=3))
    return '\n'.join(lines)


def substitute(text, subs):
    for k, v in subs.items():
        text = text.replace('{' + k + '}', v)
    return text


def run_transcript(path, ikesh, configs):
    setup, steps = parse(path)
    tmp = tempfile.mkdtemp(prefix='ikesh-t-')
    try:
        state, run = os.path.join(tmp, 'state'), os.path.join(tmp, 'run')
        os.makedirs(state)
        os.makedirs(run)
        subs = {'user': pwd.getpwuid(os.getuid()).pw_name, 'tmp': tmp,
                'configs': configs[0] if configs else '', 'state': state, 'run': run, 'ikesh': ikesh, 'nl': '\n', 'nul': '\x00'}
        if setup['config']:
            src = None
            for d in [os.path.join(os.path.dirname(path), 'configs')] + configs:
                if os.path.exists(os.path.join(d, setup['config'])):
                    src = os.path.join(d, setup['config'])
                    break
            if not src:
                raise Failure('config %s not found' % setup['config'])
            shutil.copy(src, os.path.join(state, 'startup-config'))
        for entry in setup['files']:
            fpath = os.path.join(tmp, entry['name'])
            os.makedirs(os.path.dirname(fpath), exist_ok=True)
            with open(fpath, 'w', encoding='utf-8') as f:
                f.write(substitute('\n'.join(entry['body']) + '\n', subs))
            os.chmod(fpath, entry['mode'])
        env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'TERM': 'vt100',
               'INPUTRC': '/dev/null', 'HOME': tmp, 'LANG': 'C', 'LC_ALL': 'C',
               'IKESH_STATE_DIR': state, 'IKESH_RUN_DIR': run, 'TZ': 'UTC',
               'IKESH_TEST_READY': '1'}
        for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS', 'IKESH_NO_IKE'):
            if k in os.environ:
                env[k] = os.environ[k]
        env.update({k: substitute(v, subs) for k, v in setup['env'].items()})
        errors = []
        for i, step in enumerate(steps, 1):
            argv = [substitute(a, subs) for a in shlex.split(step.arg)]
            if step.kind != 'exec':
                argv.insert(0, ikesh)
            label = 'step %d (@@ %s %s)' % (i, step.kind, step.arg)
            if step.kind in ('run', 'exec'):
                errors += run_script_step(step, argv, env, subs, label, setup['masks'])
            else:
                errors += run_pty_step(step, argv, env, subs, label, setup['masks'])
            if errors:
                break
        return errors
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def masked(lines, masks):
    """Values that change from run to run (times) replaced by a fixed text."""
    for regex, repl in masks:
        lines = [regex.sub(repl, x) for x in lines]
    return lines


def run_script_step(step, argv, env, subs, label, masks):
    stdin = substitute('\n'.join(step.sections.get('stdin', [])), subs)
    if 'stdin' in step.sections:
        stdin += '\n'
    p = subprocess.run(argv, input=stdin.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=120)
    errors = []
    for name, data in (('stdout', p.stdout), ('stderr', p.stderr)):
        want = [substitute(x, subs).rstrip() for x in step.sections.get(name, [])]
        got = [x.rstrip() for x in data.decode('utf-8', 'replace').split('\n')]
        while got and got[-1] == '':
            got.pop()
        got = masked(got, masks)
        if want != got:
            errors.append('%s: %s differs:\n%s' % (label, name, diff(name, want, got)))
    want_rc = step.sections.get('exit', 0)
    if p.returncode != want_rc:
        errors.append('%s: exit status %d, expected %d' % (label, p.returncode, want_rc))
    return errors


def run_pty_step(step, argv, env, subs, label, masks):
    t = Pty(argv, env)
    errors = []
    try:
        t.settle()
        for line in step.sections.get('input', []):
            if line.startswith('> '):
                parts = parse_keys(line[2:]) + [('keys', '\r')]
            elif line.startswith('+ '):
                parts = parse_keys(line[2:])
            elif line.strip() == '' or line.startswith('#'):
                continue
            else:
                raise Failure('%s: input lines start with "> " or "+ ": %r' % (label, line))
            settle, signalled = True, False
            for kind, arg in parts:
                if kind == 'keys':
                    t.send(arg)
                elif kind == 'sleep':
                    t.pause(arg)
                elif kind == 'signal':
                    t.settle()
                    t.proc.send_signal(arg)
                    signalled = True
                elif kind == 'rows':
                    # the window gets taller or shorter: the kernel sends
                    # SIGWINCH (the screen compared stays 80x24)
                    t.settle()
                    fcntl.ioctl(t.slave, termios.TIOCSWINSZ,
                                struct.pack('HHHH', arg, COLS, 0, 0))
                    signalled = True
                elif kind == 'nosettle':
                    settle = False
            if settle:
                t.settle(signalled=signalled)
            else:
                t.pause(0.2)
        # Without an expected exit the session ends with SIGTERM: the
        # screen is the one the last key left.
        before_end = t.screen.visible() if step.visible else t.screen.text()
        rc, restored = t.finish(step.sections.get('exit'))
    except (Failure, ValueError) as e:
        if t.proc.poll() is None:
            t.proc.kill()
            t.proc.wait()
        return ['%s: %s\nscreen so far:\n%s' % (label, e, '\n'.join(t.screen.text()))]
    got = t.screen.visible() if step.visible else t.screen.text()
    if 'exit' not in step.sections:
        got = before_end
    got = masked(got, masks)
    want = [substitute(x, subs) for x in step.sections.get('screen', [])]
    if want != got:
        errors.append('%s: the screen differs:\n%s\n--- actual screen:\n%s' %
                      (label, diff('screen', want, got), '\n'.join(got)))
    if 'exit' in step.sections and rc != step.sections['exit']:
        errors.append('%s: exit status %d, expected %d' % (label, rc, step.sections['exit']))
    if 'exit' not in step.sections and rc != 0:
        errors.append('%s: SIGTERM ended ikesh with status %d, expected 0' % (label, rc))
    if not restored:
        errors.append('%s: the terminal settings were not restored at exit' % label)
    return errors


# ---- Self test of the emulator and the parser ------------------------------

def selftest():
    def check(feed, want, visible=False, rows=ROWS, cols=COLS):
        s = Screen(rows, cols)
        s.feed(feed)
        got = s.visible() if visible else s.text()
        assert got == want, 'feed %r: got %r, want %r' % (feed, got, want)

    check('ab\r\ncd', ['ab', 'cd'])
    check('abc\b\bX', ['aXc'])
    check('abcdef\rab\x1b[K', ['ab'])
    check('one\r\ntwo\x1b[A\bza', ['onza', 'two'])
    check('hello\x1b[3D\x1b[P', ['helo'])
    check('hello\x1b[2D\x1b[@X', ['helXlo'])
    check('abcd\x1b[2D\x1b[1C!', ['abc!'])
    check('x' * 12, ['x' * 10, 'xx'], cols=10)
    check('x' * 10 + '\r\ny', ['x' * 10, 'y'], cols=10)
    check('1\r\n2\r\n3\r\n4', ['3', '4'], visible=True, rows=2)
    check('1\r\n2\r\n3\r\n4', ['1', '2', '3', '4'], rows=2)
    check('a\x1b[?2004hb\x1b=c', ['abc'])
    check(' --More-- \r          \rline', ['line'])
    check('p#\r\n\x1b[Kp#', ['p#', 'p#'])
    assert parse_keys('sh<TAB><C-c>') == [('keys', 'sh\t\x03')]
    assert parse_keys('a<SLEEP 0.5>b') == [('keys', 'a'), ('sleep', 0.5), ('keys', 'b')]
    assert parse_keys('<LT>x<SP>') == [('keys', '<x ')]
    assert parse_keys('a<SIGHUP>') == [('keys', 'a'), ('signal', signal.SIGHUP)]
    assert parse_keys('<ROWS 40>b') == [('rows', 40), ('keys', 'b')]
    try:
        parse_keys('<NOPE>')
        raise AssertionError('an unknown key must be refused')
    except ValueError:
        pass
    try:
        Screen().feed('\x1b[5Z')
        raise AssertionError('an unknown escape must be refused')
    except ValueError:
        pass
    with tempfile.NamedTemporaryFile('w', suffix='.t', delete=False) as f:
        f.write('text\n@@ config a.cfg\n@@ pty -x\n@@ input\n> show\n\n@@ screen\n'
                'ikesh#show\n% x\n\n@@ exit 3\n@@ run -c "a b"\n@@ stdout\nout\n')
        name = f.name
    try:
        setup, steps = parse(name)
    finally:
        os.unlink(name)
    assert setup['config'] == 'a.cfg'
    assert [s.kind for s in steps] == ['pty', 'run']
    assert steps[0].sections == {'input': ['> show'], 'screen': ['ikesh#show', '% x'],
                                 'exit': 3}, steps[0].sections
    assert shlex.split(steps[1].arg) == ['-c', 'a b']
    assert steps[1].sections == {'stdout': ['out']}
    print('selftest: ok')
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--ikesh')
    ap.add_argument('--configs', action='append', default=[])
    ap.add_argument('--selftest', action='store_true')
    ap.add_argument('files', nargs='*')
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    if not a.ikesh or not a.files:
        ap.error('--ikesh and at least one transcript are needed')
    failed = 0
    for path in a.files:
        try:
            errors = run_transcript(path, os.path.abspath(a.ikesh), a.configs)
        except (Failure, ValueError) as e:
            errors = [str(e)]
        if errors:
            failed += 1
            print('FAIL %s' % path)
            for e in errors:
                print(e)
        else:
            print('ok   %s' % path)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
