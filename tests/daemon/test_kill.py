#!/usr/bin/env python3
"""SIGKILL of ikeshd during a stream of commits and write memorys.

usage: test_kill.py IKESHD IKESH [ROUNDS]

Two clients commit without pause (one changes the hostname, the other an
IKEv2 policy's lifetime; every third round the first also saves
startup-config), an interactive ikesh sits at its prompt, and the daemon
is killed with SIGKILL at a random moment.  Then:
  - no client hangs: every pending call returns (an error) at once;
  - a restarted daemon's running configuration holds, for each client,
    the last change acknowledged to it (or the one in flight, when that
    was recorded but its answer lost): never an older one, never a mix;
  - startup-config is whole: the last acknowledged save (or the one in
    flight), and a daemon started with an empty run directory (a reboot)
    runs exactly it;
  - the interactive ikesh said the connection was lost and reconnects.
"""
import os
import random
import re
import shutil
import signal
import struct
import sys
import threading
import time

from dlib import (Daemon, Pty, Raw, TestFailure, check, cleanup, ikesh_c, make_tmp, sstr, u32,
                  user_home)

HANG = 10  # seconds a call may take before the client counts as hung


def global_obj(name):
    # struct eng_global: hostname[64], exec_timeout_set (bool, then a pad
    # byte), exec_timeout (u16), four IKE limits (u32): 84 bytes
    body = name.encode().ljust(64, b'\0') + b'\0\0' + struct.pack('=H', 0) + b'\0' * 16
    return u32(len(body)) + body


def ikev2_obj(lifetime):
    # struct eng_ikev2_policy: id, 4 lists of count + 12, lifetime (padded)
    body = struct.pack('=H', 10) + b'\0' * 52
    body = body.ljust(56, b'\0') + struct.pack('=I', lifetime)
    return u32(len(body)) + body


class Writer(threading.Thread):
    def __init__(self, sock, kind, saves, base):
        super().__init__(daemon=True)
        self.base = base  # values of this round: base + 1, base + 2, ...
        self.sock, self.kind, self.saves = sock, kind, saves
        self.acked = None      # last value acknowledged
        self.inflight = None   # value of the commit without an answer
        self.saved = None      # startup-config bytes after the last acked save
        self.save_inflight = False
        self.n = 0
        self.error = None
        self.stuck = False

    def call(self, r, op, payload=b''):
        t0 = time.monotonic()
        try:
            rc, body = r.call(op, payload)
        except OSError:
            rc, body = None, b''
        if time.monotonic() - t0 > HANG:
            self.stuck = True
        return rc, body

    def run(self):
        try:
            r = Raw(self.sock, timeout=HANG + 5)
            rc, _ = r.call('HELLO')
            if rc != 0:
                self.error = 'HELLO %r' % rc
                return
            while True:
                self.n += 1
                v = self.base + self.n
                if self.call(r, 'CAND_BEGIN')[0] != 0:
                    return
                if self.kind == 'global':
                    obj = u32(0) + global_obj('h%d' % v)
                else:
                    obj = u32(2) + ikev2_obj(120 + v % 80000)
                rc, _ = self.call(r, 'OBJ_PUT', obj)
                if rc != 0:
                    if rc is not None:
                        self.error = 'OBJ_PUT %r' % rc
                    return
                self.inflight = v
                rc, _ = self.call(r, 'COMMIT', sstr(None) + u32(0) + b'\0')
                if rc is None:
                    return
                if rc != 0:
                    # the other writer committed in between: a merge that
                    # conflicts cannot happen (different objects)
                    self.error = 'COMMIT %r' % rc
                    return
                self.acked, self.inflight = v, None
                if self.saves and self.n % 3 == 0:
                    self.save_inflight = True
                    rc, _ = self.call(r, 'STARTUP_SAVE')
                    if rc is None:
                        return
                    check(rc == 0, 'STARTUP_SAVE %r' % rc)
                    with open(self.saves, 'rb') as f:
                        self.saved = f.read()
                    self.save_inflight = False
        except TestFailure as e:
            self.error = str(e)


def running(ikesh, d, home):
    rc, out, err = ikesh_c(ikesh, d, home, ['show running-config'])
    check(rc == 0, 'show running-config after restart: %r' % err)
    return out


def hostname_of(text):
    m = re.search(r'^hostname h(\d+)$', text, re.M)
    return int(m.group(1)) if m else None


def lifetime_of(text):
    m = re.search(r'^crypto ikev2 policy 10\n(?: .*\n)*? lifetime (\d+)$', text, re.M)
    return int(m.group(1)) - 120 if m else None


def one_round(ikeshd, ikesh, d, home, rng, rnd):
    startup = os.path.join(d.state, 'startup-config')
    d.start()
    p = Pty(ikesh, d, home)
    try:
        p.read_until(r'#\s*$')
        a = Writer(d.sock, 'global', startup, rnd * 20000)
        b = Writer(d.sock, 'ikev2', None, rnd * 20000)
        a.start()
        b.start()
        time.sleep(rng.uniform(0.3, 1.5))
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait()
        for w in (a, b):
            w.join(HANG + 10)
            check(not w.is_alive() and not w.stuck, 'a client hung after the kill')
            check(w.error is None, 'client error before the kill: %s' % w.error)
            check(w.acked is not None, 'nothing was committed before the kill (round %d)' % rnd)
        # the interactive session: the next command says so, and does not hang
        p.read_until(r'% Connection to ikeshd lost', timeout=HANG)
        out = p.cmd('show running-config', r'#\s*$', timeout=HANG)
        check('% ' in out, 'a command without a daemon did not fail: %r' % out)
        # a socket nobody answers: an error, never a second engine
        rc, out, err = ikesh_c(ikesh, d, home, ['configure terminal', 'hostname rogue', 'end'])
        check(rc != 0 and 'Connection refused' in err, 'ikesh with a dead daemon: %r %r' %
              (out, err))
        prev_saved = a.saved
        d.start()
        out = p.cmd('show running-config', r'#\s*$', timeout=HANG)
        check('hostname h' in out, 'the interactive session did not reconnect: %r' % out)
        text = running(ikesh, d, home)
        h, lt = hostname_of(text), lifetime_of(text)
        check('rogue' not in text, 'an engine ran beside the dead daemon')
        check(h in (a.acked, a.inflight),
              'hostname after restart h%s; acknowledged h%s, in flight h%s' %
              (h, a.acked, a.inflight))
        check(lt in (b.acked % 80000, b.inflight and b.inflight % 80000),
              'policy lifetime after restart %s; acknowledged %s, in flight %s' %
              (lt, b.acked % 80000, b.inflight))
        with open(startup, 'rb') as f:
            now = f.read()
        if prev_saved is not None and not a.save_inflight:
            check(now == prev_saved, 'startup-config is not the last saved one')
        check(now.endswith(b'!\n') and hostname_of(now.decode()) is not None,
              'startup-config is not whole: %r' % now[-200:])
        print('round %d: %d+%d commits, killed; running h%d/%d (acked h%s/%s), startup ok'
              % (rnd, a.n, b.n, h, lt, a.acked, b.acked % 80000))
        p.close()
        check(d.stop() == 0, 'ikeshd did not stop cleanly')
        return now
    finally:
        p.kill()


def run(ikeshd, ikesh, rounds):
    tmp = make_tmp()
    d = Daemon(ikeshd, tmp)
    rng = random.Random(int(time.time()))
    try:
        home = user_home(tmp, 'root')
        with open(os.path.join(d.state, 'startup-config'), 'w') as f:
            f.write('hostname h0\n!\ncrypto ikev2 policy 10\n lifetime 600\n!\n')
        startup = None
        for rnd in range(1, rounds + 1):
            startup = one_round(ikeshd, ikesh, d, home, rng, rnd)
        # a reboot: the run directory is gone, startup-config is what runs
        shutil.rmtree(d.run)
        os.makedirs(d.run)
        d.start()
        text = running(ikesh, d, home)
        check(hostname_of(text) == hostname_of(startup.decode()),
              'after a reboot running is not startup-config')
        check('error' not in d.log_text().lower().split('shutting down')[-1],
              'startup-config did not load cleanly: %s' % d.log_text()[-2000:])
        check(d.stop() == 0, 'ikeshd did not stop cleanly')
        print('reboot: running is startup-config (h%d)' % hostname_of(text))
        return 0
    finally:
        if d.alive():
            d.stop()
        cleanup(tmp)


def main():
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    try:
        return run(sys.argv[1], sys.argv[2], rounds)
    except TestFailure as e:
        print('FAIL: %s' % e)
        return 1


if __name__ == '__main__':
    sys.exit(main())
