#!/usr/bin/env python3
"""Hostile bytes on ikeshd's socket, for a bounded time.

usage: test_fuzz.py IKESHD IKESH [SECONDS] [SEED]

Connections send random bytes, frames of random type and length, frames
whose payload is a valid request mutated (objects too: a tunnel struct
with garbage in every field, then a commit that validates and renders
whatever got in), wrong versions, oversized lengths, and frames cut off
halfway, some then left hanging.  Throughout, a well-behaved client must
get its answers promptly; at the end the daemon must stop cleanly on
SIGTERM (under ASan: no error and no leak, which would change its exit
status) and its log must hold no sanitizer report.
"""
import os
import random
import socket
import struct
import sys
import time

from dlib import (CTL_VERSION, OP, Daemon, Raw, TestFailure, check, cleanup, frame, make_tmp,
                  sstr, u32)

MAX_OP = max(OP.values())


def valid_requests(blobs):
    reqs = [
        (OP['HELLO'], b''), (OP['CAND_BEGIN'], b''), (OP['CAND_ACTIVE'], b''),
        (OP['CAND_DIRTY'], b''), (OP['CONFIG_CHANGES'], b''),
        (OP['OBJ_GET'], u32(1) + u32(5) + sstr('T1')),
        (OP['OBJ_GET'], u32(0) + u32(0) + sstr(None)),
        (OP['OBJ_DEL'], u32(5) + sstr('T1')),
        (OP['KEYS'], u32(0) + u32(5)),
        (OP['CONFIG_TEXT'], u32(1) + u32(1)), (OP['CONFIG_TEXT'], u32(2) + u32(0)),
        (OP['OBJ_TEXT'], u32(1) + u32(5) + u32(1) + sstr('T1')),
        (OP['COMMIT'], sstr('fuzz') + u32(0) + b'\x01'),
        (OP['COMMIT'], sstr(None) + u32(0) + b'\x00'),
        (OP['COMMIT_LIST'], b''), (OP['COMMIT_CHANGES'], u32(1)),
        (OP['ROLLBACK'], u32(1)), (OP['LOG_TEXT'], b''),
        (OP['TUNNEL_EFFECTIVE'], u32(0) + sstr('T1')), (OP['HOSTNAME'], b''),
        (OP['TUNNEL_STATUS'], sstr(None)), (OP['IKE_STATS'], b''),
        (OP['CONFIRM_PENDING'], b''), (OP['CAND_DISCARD'], b''),
    ]
    for kind, blob in blobs:
        reqs.append((OP['OBJ_PUT'], u32(kind) + blob))
    return reqs


def mutate(rng, data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not b:
            break
        how = rng.randrange(5)
        i = rng.randrange(len(b))
        if how == 0:
            b[i] = rng.randrange(256)
        elif how == 1:
            del b[i:i + rng.randint(1, 16)]
        elif how == 2:
            b[i:i] = os.urandom(rng.randint(1, 16))
        elif how == 3 and i + 4 <= len(b):
            b[i:i + 4] = struct.pack('=I', rng.choice([0, 1, 0x7fffffff, 0xffffffff,
                                                         0xfffffffe, len(b), 65]))
        else:
            b[i] = b[i] ^ (1 << rng.randrange(8))
    return bytes(b)


def canary(sock):
    """A polite client must be answered promptly whatever the others do."""
    t0 = time.monotonic()
    r = Raw(sock, timeout=5)
    rc, _ = r.call('HELLO')
    check(rc == 0, 'canary HELLO: %r' % rc)
    rc, body = r.call('CONFIG_TEXT', u32(0) + u32(0))
    check(rc == 0, 'canary CONFIG_TEXT: %r' % rc)
    r.close()
    return time.monotonic() - t0


def seed_config(sock):
    """A configuration whose objects give realistic blobs to mutate."""
    r = Raw(sock)
    r.call('HELLO')
    blobs = []
    return r, blobs


def harvest(sock, blobs):
    r = Raw(sock)
    r.call('HELLO')
    for kind, key in ((0, None), (2, '10'), (3, 'ESP'), (5, 'T1')):
        rc, body = r.call('OBJ_GET', u32(0) + u32(kind) + sstr(key))
        if rc == 0:
            blobs.append((kind, body))
    r.close()


def one_connection(rng, sock, reqs, stats):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(sock)
    hang = False
    try:
        for _ in range(rng.randint(1, 30)):
            what = rng.randrange(12)
            if what == 0:
                data = os.urandom(rng.randint(1, 200))
            elif what == 1:
                payload = os.urandom(rng.randint(0, 300))
                data = frame(rng.randint(0, MAX_OP + 3), rng.randrange(1 << 32), payload)
            elif what == 2:
                op, payload = rng.choice(reqs)
                data = frame(op, 1, payload, version=rng.choice([0, 2, 0xffff]))
            elif what == 3:
                data = frame(OP['HELLO'], 1, b'', length=rng.choice(
                    [256 * 1024 + 1, 0x7fffffff, 0xffffffff]))
            elif what == 4:
                op, payload = rng.choice(reqs)
                data = frame(op, 7, payload)
                data = data[:rng.randrange(len(data))]
                hang = rng.random() < 0.3
                s.sendall(data)
                stats['truncated'] += 1
                break
            elif what in (5, 6, 7):
                op, payload = rng.choice(reqs)
                data = frame(op, rng.randrange(1 << 32), mutate(rng, payload))
                stats['mutated'] += 1
            elif what == 8:
                op, payload = rng.choice(reqs)
                data = frame(op, 3, payload)
            else:
                # garbage objects into a candidate, then validate, commit, render
                puts = [q for q in reqs if q[0] == OP['OBJ_PUT']]
                data = frame(OP['CAND_BEGIN'], 4)
                for _ in range(rng.randint(1, 4)):
                    op, payload = rng.choice(puts)
                    data += frame(op, 5, payload[:4] + mutate(rng, payload[4:]))
                data += frame(OP['COMMIT'], 6, sstr('fuzz') + u32(0) + b'\0')
                data += frame(OP['CONFIG_TEXT'], 7, u32(0) + u32(1))
                data += frame(OP['ROLLBACK'], 8, u32(1))
                data += frame(OP['COMMIT'], 9, sstr(None) + u32(0) + b'\0')
                stats['commits'] += 1
            s.sendall(data)
            stats['frames'] += 1
            # read whatever comes back, without waiting long
            s.settimeout(0.05)
            try:
                while s.recv(65536):
                    pass
            except (socket.timeout, BlockingIOError):
                pass
            except OSError:
                stats['closed_by_daemon'] += 1
                return None
            s.settimeout(3)
    except (BrokenPipeError, ConnectionResetError):
        stats['closed_by_daemon'] += 1
        return None
    if hang:
        return s  # left open halfway through a frame
    s.close()
    return None


def run(ikeshd, seconds, seed):
    rng = random.Random(seed)
    tmp = make_tmp()
    d = Daemon(ikeshd, tmp)
    hanging = []
    try:
        with open(os.path.join(d.state, 'startup-config'), 'w') as f:
            f.write('hostname fuzz\n!\ncrypto ikev2 policy 10\n encryption aes128\n!\n'
                    'crypto ipsec policy ESP\n encryption aes128-gcm\n!\n'
                    'ipsec tunnel T1\n description fuzz target\n ipsec-policy ESP\n'
                    ' ike-policy 10\n remote-address 192.0.2.9\n'
                    ' authentication pre-share key fuzz-secret\n local-subnet 10.0.0.0/24\n'
                    ' remote-subnet 10.9.0.0/24\n!\n')
        d.start()
        blobs = []
        harvest(d.sock, blobs)
        check(len(blobs) == 4, 'could not read the seed objects (%d)' % len(blobs))
        reqs = valid_requests(blobs)
        stats = {'connections': 0, 'frames': 0, 'mutated': 0, 'truncated': 0, 'commits': 0,
                 'closed_by_daemon': 0}
        worst = 0.0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            h = one_connection(rng, d.sock, reqs, stats)
            stats['connections'] += 1
            if h:
                hanging.append(h)
            if len(hanging) > 20:
                hanging.pop(0).close()
            if stats['connections'] % 10 == 0:
                worst = max(worst, canary(d.sock))
            check(d.alive(), 'ikeshd died: %s' % d.log_text()[-3000:])
        worst = max(worst, canary(d.sock))
        for h in hanging:
            h.close()
        hanging = []
        print('seed %d: %s; slowest canary %.2f s' % (seed, stats, worst))
        check(worst < 3.0, 'a well-behaved client waited %.2f s' % worst)
        rc = d.stop()
        log = d.log_text()
        print('commits that went through: %d' % log.count(' by root'))
        check('Sanitizer' not in log and 'runtime error' not in log,
              'sanitizer report:\n%s' % log[-5000:])
        check(rc == 0, 'ikeshd exit status %d after SIGTERM:\n%s' % (rc, log[-3000:]))
        return 0
    finally:
        for h in hanging:
            h.close()
        if d.alive():
            d.stop()
        cleanup(tmp)


def main():
    ikeshd = sys.argv[1]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 20
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else int(time.time())
    try:
        return run(ikeshd, seconds, seed)
    except TestFailure as e:
        print('FAIL (seed %d): %s' % (seed, e))
        return 1


if __name__ == '__main__':
    sys.exit(main())
