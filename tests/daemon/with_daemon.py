#!/usr/bin/env python3
"""ikesh as a client of a fresh ikeshd.

usage: with_daemon.py RESULTS_DIR IKESHD IKESH [ikesh options...]

Starts ikeshd on $IKESH_STATE_DIR / $IKESH_RUN_DIR and then becomes ikesh
(exec: the terminal, the signals and the process a transcript watches are
ikesh's own).  A helper in its own session starts the daemon, waits for
ikesh to end, stops the daemon with SIGTERM and writes any failure (no
start, no clean exit) to RESULTS_DIR/errors.  The helper holds
RESULTS_DIR/lock while its daemon runs, so the next invocation waits for
the previous daemon to be gone.  Every invocation starts a new daemon: the
steps of a transcript also check that a restarted daemon resumes the
running configuration.
"""
import fcntl
import os
import signal
import subprocess
import sys
import time


def dead(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] in ('Z', 'X')
    except OSError:
        return True


def note(results, msg):
    with open(os.path.join(results, 'errors'), 'a') as f:
        f.write(msg + '\n')


def helper(results, ikeshd, run, state, parent, ready_w):
    os.setsid()
    log = open(os.path.join(results, 'ikeshd.log'), 'ab')
    daemon = subprocess.Popen([ikeshd, '--no-ike', '--stderr', '--state-dir', state,
                               '--run-dir', run], stdin=subprocess.DEVNULL, stdout=log,
                              stderr=log)
    sock = os.path.join(run, 'ikeshd.sock')
    deadline = time.monotonic() + 20
    while not os.path.exists(sock):
        if daemon.poll() is not None or time.monotonic() > deadline:
            note(results, 'ikeshd did not start')
            daemon.kill()
            os.write(ready_w, b'n')
            return
        time.sleep(0.01)
    os.write(ready_w, b'y')
    os.close(ready_w)
    while not dead(parent):
        time.sleep(0.02)
    daemon.send_signal(signal.SIGTERM)
    try:
        rc = daemon.wait(timeout=20)
    except subprocess.TimeoutExpired:
        daemon.kill()
        note(results, 'ikeshd did not stop on SIGTERM')
        return
    if rc != 0:
        note(results, 'ikeshd exited with %d' % rc)


def main():
    results, ikeshd, ikesh, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    run, state = os.environ['IKESH_RUN_DIR'], os.environ['IKESH_STATE_DIR']
    os.makedirs(run, exist_ok=True)
    os.makedirs(state, exist_ok=True)
    # Until ikesh runs, this process spins rather than sleeps: a
    # transcript types as soon as the process it watches sleeps quietly.
    lock = open(os.path.join(results, 'lock'), 'w')
    while True:  # the previous daemon is gone
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            os.sched_yield()
    ready_r, ready_w = os.pipe()
    parent = os.getpid()
    if os.fork() == 0:
        os.close(ready_r)
        try:
            helper(results, ikeshd, run, state, parent, ready_w)
        finally:
            os._exit(0)
    os.close(ready_w)
    lock.close()  # the helper keeps it
    os.set_blocking(ready_r, False)
    while True:
        try:
            ok = os.read(ready_r, 1) == b'y'
            break
        except BlockingIOError:
            os.sched_yield()
    os.close(ready_r)
    if not ok:
        sys.stderr.write('with_daemon: ikeshd did not start\n')
        return 99
    os.execv(ikesh, [ikesh] + args)


if __name__ == '__main__':
    sys.exit(main())
