#!/usr/bin/env python3
"""The configuration path through ikeshd, beside strongSwan's swanctl.

usage: bench_daemon.py IKESHD IKESH [TUNNELS] [RUNS] [--swanctl]

Prints figures; not a test.  Each run starts a fresh ikeshd (--no-ike) on
its own directories and times, as whole processes:
  - `ikesh -f` of a script configuring TUNNELS tunnels (9 lines each, the
    tunnels of bench_config.c) and committing them;
  - `ikesh -f` of a one-tunnel change (enter a tunnel, change one line,
    commit), 20 times on different tunnels: the median;
  - `ikesh -f` of an empty script: the cost of starting ikesh and
    connecting, part of both figures above;
and ikeshd's peak memory (VmHWM).  With --swanctl, charon (in its own
network and mount namespace) loads the same connections with
`swanctl --load-all`, then reloads after one connection changed.
Figures: min / median / max over RUNS (default 3).
"""
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

CHARON = '/usr/lib/ipsec/charon'


def tunnel(i):
    return (i, '10.%u.%u.%u' % (100 + i // 65536, (i // 256) % 256, i % 256),
            'psk-%08x-%u' % ((i * 2654435761) & 0xffffffff, i),
            '10.%u.%u.0/24' % (i // 256 % 256, i % 256))


def script(n):
    out = ['configure terminal', 'crypto ikev2 policy 1', ' encryption aes256-gcm',
           ' prf sha256', ' group 19', 'crypto ipsec policy ESP', ' encryption aes256-gcm']
    for i, peer, psk, net in map(tunnel, range(n)):
        out += ['ipsec tunnel SITE-%05u' % i, ' ike-policy 1', ' ipsec-policy ESP',
                ' local-address 192.0.2.1', ' remote-address ' + peer,
                ' authentication pre-share key ' + psk, ' local-subnet 172.16.0.0/16',
                ' remote-subnet ' + net, ' dpd interval 30 timeout 120']
    return '\n'.join(out) + '\n'


def wait_socket(path, proc):
    """Until the daemon accepts a connection (or is gone)."""
    while True:
        if proc.poll() is not None:
            raise SystemExit('the daemon exited (%d)' % proc.returncode)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return
        except OSError:
            time.sleep(0.01)
        finally:
            s.close()


def timed(argv, **kw):
    t = time.monotonic()
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    dt = time.monotonic() - t
    if r.returncode != 0:
        raise SystemExit('%s failed: %s' % (' '.join(argv), r.stderr.decode()[-500:]))
    return dt


def hwm(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024.0
    return 0.0


def ikesh_run(ikeshd, ikesh, n, text):
    d = tempfile.mkdtemp(prefix='bench-daemon-')
    st, run = os.path.join(d, 'state'), os.path.join(d, 'run')
    os.mkdir(st)
    os.mkdir(run)
    with open(os.path.join(d, 'all.txt'), 'w') as f:
        f.write(text)
    with open(os.path.join(d, 'empty.txt'), 'w') as f:
        f.write('')
    daemon = subprocess.Popen([ikeshd, '--no-ike', '--state-dir', st, '--run-dir', run],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    res = {}
    try:
        wait_socket(os.path.join(run, 'ikeshd.sock'), daemon)
        base = [ikesh, '--state-dir', st, '--run-dir', run, '-f']
        res['load'] = timed(base + [os.path.join(d, 'all.txt')])
        changes = []
        for k in range(20):
            p = os.path.join(d, 'one.txt')
            with open(p, 'w') as f:
                f.write('configure terminal\nipsec tunnel SITE-%05u\n'
                        ' dpd interval %d timeout 120\ncommit\n' % ((k * 7919) % n, 10 + k))
            changes.append(timed(base + [p]))
        res['change'] = statistics.median(changes)
        res['empty'] = statistics.median(timed(base + [os.path.join(d, 'empty.txt')])
                                         for _ in range(10))
        out = subprocess.run(base[:-1] + ['-c', 'show running-config'], capture_output=True,
                             check=True).stdout.decode()
        got = out.count('\nipsec tunnel ')
        if got != n:
            raise SystemExit('running-config has %d tunnels, expected %d' % (got, n))
        res['hwm'] = hwm(daemon.pid)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        shutil.rmtree(d, ignore_errors=True)
    return res


def swanctl_conf(n, changed=None):
    out = ['connections {']
    for i, peer, psk, net in map(tunnel, range(n)):
        dpd = 10 if i == changed else 30
        out.append('  SITE-%05u {\n    version = 2\n    local_addrs = 192.0.2.1\n'
                   '    remote_addrs = %s\n    proposals = aes256gcm16-prfsha256-x25519\n'
                   '    dpd_delay = %ds\n    local { auth = psk }\n    remote { auth = psk }\n'
                   '    children { net { local_ts = 172.16.0.0/16\n      remote_ts = %s\n'
                   '      esp_proposals = aes256gcm16 } }\n  }' % (i, peer, dpd, net))
    out.append('}\nsecrets {')
    for i, peer, psk, net in map(tunnel, range(n)):
        out.append('  ike-%u { id = %s\n    secret = "%s" }' % (i, peer, psk))
    out.append('}')
    return '\n'.join(out) + '\n'


def swanctl_run(n):
    d = tempfile.mkdtemp(prefix='bench-swanctl-')
    vici = os.path.join(d, 'charon.vici')
    conf = os.path.join(d, 'strongswan.conf')
    with open(conf, 'w') as f:
        f.write('charon {\n  load_modular = yes\n  install_routes = no\n  port = 0\n'
                '  port_nat_t = 0\n  syslog { daemon { default = -1 } }\n'
                '  plugins {\n    include /etc/strongswan.d/charon/*.conf\n'
                '    vici { socket = unix://%s }\n  }\n}\n' % vici)
    with open(os.path.join(d, 'swanctl.conf'), 'w') as f:
        f.write(swanctl_conf(n))
    env = dict(os.environ, STRONGSWAN_CONF=conf)
    # its own network namespace: nothing it does touches the host's kernel state
    charon = subprocess.Popen(['unshare', '-n', '-m', 'sh', '-c',
                               'mount -t tmpfs none /run && exec ' + CHARON],
                              env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    uri = ['--uri', 'unix://' + vici]
    res = {}
    try:
        while subprocess.run(['swanctl', '--stats'] + uri, capture_output=True).returncode:
            if charon.poll() is not None:
                raise SystemExit('charon exited (%d)' % charon.returncode)
            time.sleep(0.05)
        load = ['swanctl', '--load-all', '--file', os.path.join(d, 'swanctl.conf')] + uri
        res['load'] = timed(load, env=env)
        out = subprocess.run(['swanctl', '--list-conns'] + uri, capture_output=True,
                             check=True).stdout.decode()
        got = sum(1 for line in out.splitlines() if line.startswith('SITE-'))
        if got != n:
            raise SystemExit('charon has %d connections, expected %d' % (got, n))
        with open(os.path.join(d, 'swanctl.conf'), 'w') as f:
            f.write(swanctl_conf(n, changed=42 % n))
        res['change'] = timed(load, env=env)
        res['hwm'] = hwm(charon.pid)  # unshare and sh exec'd: the pid is charon's
    finally:
        charon.send_signal(signal.SIGTERM)
        try:
            charon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            charon.kill()
        shutil.rmtree(d, ignore_errors=True)
    return res


def spread(vals, scale=1.0, fmt='%.3f'):
    v = sorted(x * scale for x in vals)
    return ' / '.join(fmt % x for x in (v[0], statistics.median(v), v[-1]))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) < 2:
        raise SystemExit(__doc__)
    ikeshd, ikesh = args[0], args[1]
    n = int(args[2]) if len(args) > 2 else 10000
    runs = int(args[3]) if len(args) > 3 else 3
    text = script(n)
    print('tunnels %d (%d lines of commands), %d runs, min / median / max; load average %s'
          % (n, text.count('\n'), runs, ' '.join(open('/proc/loadavg').read().split()[:3])))
    r = [ikesh_run(ikeshd, ikesh, n, text) for _ in range(runs)]
    print('ikesh -f through ikeshd, load + commit    %s s' % spread(x['load'] for x in r))
    print('ikesh -f, one-tunnel change + commit      %s ms' %
          spread((x['change'] for x in r), 1e3, '%.1f'))
    print('ikesh -f of an empty script (start-up)    %s ms' %
          spread((x['empty'] for x in r), 1e3, '%.1f'))
    print('ikeshd peak memory (VmHWM)                %s MB' %
          spread((x['hwm'] for x in r), fmt='%.1f'))
    if '--swanctl' in sys.argv:
        if not os.access(CHARON, os.X_OK) or not shutil.which('swanctl'):
            print('swanctl: strongSwan is not installed here')
            return
        s = [swanctl_run(n) for _ in range(runs)]
        print('swanctl --load-all, %d connections     %s s' % (n, spread(x['load'] for x in s)))
        print('swanctl --load-all after one change       %s s' %
              spread(x['change'] for x in s))
        print('charon peak memory (VmHWM)                %s MB' %
              spread((x['hwm'] for x in s), fmt='%.1f'))


if __name__ == '__main__':
    main()
