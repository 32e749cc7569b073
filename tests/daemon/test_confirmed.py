#!/usr/bin/env python3
"""`commit confirmed` outlives the session that made it.

usage: test_confirmed.py IKESHD IKESH

An admin commits with `commit confirmed 1` and its ikesh is killed (the
SSH connection died with the change).  The daemon keeps the pending
commit (another session sees it), and reverts it a minute later, on its
own timer, without any client connected.
"""
import os
import re
import sys
import time

from dlib import Daemon, Pty, TestFailure, check, cleanup, ikesh_c, make_tmp, user_home

CFG = r'\(config\)#\s*$'


def run(ikeshd, ikesh):
    tmp = make_tmp()
    d = Daemon(ikeshd, tmp)
    p = None
    try:
        with open(os.path.join(d.state, 'startup-config'), 'w') as f:
            f.write('hostname before\n!\n')
        d.start()
        home = user_home(tmp, 'root')
        p = Pty(ikesh, d, home)
        p.read_until(r'before#\s*$')
        p.cmd('configure terminal', CFG)
        p.cmd('hostname after', CFG)
        out = p.cmd('commit confirmed 1', CFG)
        check('reverts in 1 minute' in out, 'commit confirmed: %r' % out)
        t0 = time.monotonic()
        p.kill()
        p = None
        rc, out, err = ikesh_c(ikesh, d, home, ['show running-config',
                                                 'show configuration commit list'])
        check(rc == 0 and 'hostname after' in out and '(confirm pending)' in out,
              'after the disconnect the commit should be pending: %r %r' % (out, err))
        # no client at all until the revert is due
        time.sleep(max(0, 62 - (time.monotonic() - t0)))
        check(d.alive(), 'ikeshd died')
        check('was not confirmed in time' in d.log_text(),
              'the daemon did not revert on its own: %s' % d.log_text()[-1000:])
        rc, out, err = ikesh_c(ikesh, d, home, ['show running-config'])
        check(rc == 0 and 'hostname before' in out and 'hostname after' not in out,
              'not reverted: %r' % out)
        with open(os.path.join(d.run, 'running-config')) as f:
            check(re.search(r'^hostname before$', f.read(), re.M),
                  'the reverted running-config is not recorded')
        check(d.stop() == 0, 'ikeshd did not stop cleanly')
        print('ok: commit confirmed reverted by the daemon after its session died')
        return 0
    finally:
        if p:
            p.kill()
        if d.alive():
            d.stop()
        cleanup(tmp)


def main():
    try:
        return run(sys.argv[1], sys.argv[2])
    except TestFailure as e:
        print('FAIL: %s' % e)
        return 1


if __name__ == '__main__':
    sys.exit(main())
