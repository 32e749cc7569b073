#!/usr/bin/env python3
"""ikesh as a client of a fresh ikeshd.

usage: with_daemon.py IKESHD IKESH [ikesh options...]

Starts ikeshd on $IKESH_STATE_DIR / $IKESH_RUN_DIR (in its own session, so
the terminal's signals do not reach it), runs ikesh in the foreground with
the terminal it was given, forwards SIGTERM/SIGHUP to it, then stops the
daemon with SIGTERM and fails if the daemon does not exit cleanly.  Every
invocation starts a new daemon, so the steps of a transcript also check
that a restarted daemon resumes the running configuration.
"""
import os
import signal
import subprocess
import sys
import time


def main():
    ikeshd, ikesh, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    run, state = os.environ['IKESH_RUN_DIR'], os.environ['IKESH_STATE_DIR']
    os.makedirs(run, exist_ok=True)
    os.makedirs(state, exist_ok=True)
    log = open(os.path.join(os.path.dirname(os.path.abspath(run)), 'ikeshd.log'), 'ab')
    daemon = subprocess.Popen([ikeshd, '--no-ike', '--stderr', '--state-dir', state,
                               '--run-dir', run], stdin=subprocess.DEVNULL, stdout=log,
                              stderr=log, start_new_session=True)
    sock = os.path.join(run, 'ikeshd.sock')
    deadline = time.monotonic() + 10
    while not os.path.exists(sock):
        if daemon.poll() is not None or time.monotonic() > deadline:
            sys.stderr.write('with_daemon: ikeshd did not start\n')
            daemon.kill()
            return 99
        time.sleep(0.01)
    for sig in (signal.SIGINT, signal.SIGTSTP, signal.SIGTTOU, signal.SIGTTIN):
        signal.signal(sig, signal.SIG_IGN)
    child = subprocess.Popen([ikesh] + args,
                             preexec_fn=lambda: [signal.signal(s, signal.SIG_DFL)
                                                 for s in (signal.SIGINT, signal.SIGTSTP,
                                                           signal.SIGTTOU, signal.SIGTTIN)])
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, f: child.send_signal(s))
    rc = child.wait()
    daemon.send_signal(signal.SIGTERM)
    try:
        drc = daemon.wait(timeout=20)
    except subprocess.TimeoutExpired:
        daemon.kill()
        sys.stderr.write('with_daemon: ikeshd did not stop on SIGTERM\n')
        return 98
    if drc != 0:
        sys.stderr.write('with_daemon: ikeshd exited with %d\n' % drc)
        return 98
    return rc if rc >= 0 else 128 - rc


if __name__ == '__main__':
    sys.exit(main())
