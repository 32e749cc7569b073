#!/usr/bin/env python3
"""`ping` in a network namespace of its own (root; skipped otherwise).

usage: ping_check.py IKESH

In the namespace: lo up, and a veth pair, d0 10.9.0.1/24 and d1 without
an address, so d0's neighbours never answer.  Checked: replies from 127.0.0.1 (a raw socket:
a new namespace admits no group to ping sockets), a timeout per echo and
exit status 1 when nothing answers, a send error where there is no route,
bad arguments refused with a clear error, and Ctrl-C ending a long run at
once, the prompt back.
"""
import os
import pty
import re
import select
import subprocess
import sys
import time

SKIP = 77


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def run(ikesh, *cmds, timeout=30):
    argv = [ikesh]
    for c in cmds:
        argv += ['-c', c]
    t0 = time.monotonic()
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, IKESH_NO_IKE='1'))
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def inside(ikesh):
    for cmd in (['ip', 'link', 'set', 'lo', 'up'],
                ['ip', 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1'],
                ['ip', 'addr', 'add', '10.9.0.1/24', 'dev', 'd0'],
                ['ip', 'link', 'set', 'd1', 'up'],
                ['ip', 'link', 'set', 'd0', 'up']):
        subprocess.run(cmd, check=True)
    rc, out, err, _ = run(ikesh, 'ping 127.0.0.1 repeat 3 size 200')
    if rc != 0 or len(re.findall(r'^Reply to request \d \(\d+ ms\)$', out, re.M)) != 3 or \
            'Sending 3, 200-byte ICMP Echos to 127.0.0.1' not in out or \
            'Success rate is 100 percent (3/3), round-trip min/avg/max = ' not in out:
        fail('ping 127.0.0.1: %d %r %r' % (rc, out, err))
    rc, out, err, _ = run(ikesh, 'ping 127.0.0.1 repeat 1 source 10.9.0.1')
    if rc != 0 or 'Success rate is 100 percent (1/1)' not in out:
        fail('ping with a source: %d %r %r' % (rc, out, err))
    print('ok: replies counted')
    rc, out, err, took = run(ikesh, 'ping 10.9.0.2 repeat 2 timeout 1')
    if rc != 1 or out.count('timed out') != 2 or 'Success rate is 0 percent (0/2)' not in out \
            or took > 6:
        fail('ping a silent neighbour: %d %r %r %.1fs' % (rc, out, err, took))
    print('ok: one timeout per echo, exit status 1 (%.1f s)' % took)
    rc, out, err, _ = run(ikesh, 'ping 10.99.0.1 repeat 1')
    if rc != 1 or 'Request 0 not sent: Network is unreachable' not in out:
        fail('ping without a route: %d %r %r' % (rc, out, err))
    bad = {
        'ping 127.0.0.1 size 20': "% Invalid input detected at '20': 20 is out of range 36-9048",
        'ping 127.0.0.1 repeat 0': "% Invalid input detected at '0': 0 is out of range 1-1000",
        'ping 127.0.0.1 source ::1': '% Error: source ::1 is not an address of the same family',
        'ping 127.0.0.1 interface nope0': '% Error: no interface named nope0',
        'ping 127.0.0.1 source 10.9.0.1 interface d0':
            '% Error: give a source address or an interface, not both',
        'ping ::1 size 40': '% Error: size 40 is out of range 48-9048 for this address',
        'ping 10.9.0.300': "% Invalid input detected at '10.9.0.300'",
    }
    for cmd, want in bad.items():
        rc, out, err, _ = run(ikesh, cmd)
        if rc != 1 or want not in err or out:
            fail('%s: %d %r %r' % (cmd, rc, out, err))
    print('ok: bad arguments refused')
    # Ctrl-C: a thousand echoes of a minute each end at once
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(ikesh, [ikesh], dict(os.environ, IKESH_NO_IKE='1', TERM='vt100'))
    buf = b''

    def until(pattern, timeout):
        nonlocal buf
        deadline = time.monotonic() + timeout
        while not re.search(pattern, buf):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                fail('waiting for %r: %r' % (pattern, buf[-300:]))
            buf += os.read(fd, 4096)
    until(rb'#\s*$', 10)
    os.write(fd, b'ping 10.9.0.2 repeat 1000 timeout 60\r')
    until(rb'timeout is 60 seconds:\r\n', 10)
    t0 = time.monotonic()
    buf = b''
    os.write(fd, b'\x03')
    until(rb'#\s*$', 5)
    took = time.monotonic() - t0
    os.write(fd, b'exit\r')
    os.waitpid(pid, 0)
    print('ok: Ctrl-C ends ping, the prompt back in %.2f s' % took)


def main():
    ikesh = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == '--inside':
        inside(ikesh)
        return 0
    if os.geteuid() != 0:
        print('skip: needs root for a network namespace')
        return SKIP
    p = subprocess.run(['unshare', '--net', sys.executable, os.path.abspath(__file__), ikesh,
                        '--inside'])
    if p.returncode == 1 and not os.path.exists('/proc/self/ns/net'):
        return SKIP
    return p.returncode


if __name__ == '__main__':
    sys.exit(main())
