#!/usr/bin/env python3
"""`show ... | json`: every output read back by Python's JSON parser
(RFC 8259), with the documented keys and types (docs/json.md).

json_check.py TEST_JSON IKESH EXAMPLES
  TEST_JSON --dump prints the tunnel status objects of a sample with SAs
  and counters; IKESH runs every show command with `| json` against
  EXAMPLES/site-to-site-a.cfg (IKESH_NO_IKE=1: no SAs there).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL: ' + what)


def has(obj, key, typ, where):
    """obj[key] exists and is of typ (a type or a tuple); bool is not int."""
    ok = isinstance(obj, dict) and key in obj
    if ok:
        v = obj[key]
        types = typ if isinstance(typ, tuple) else (typ,)
        ok = isinstance(v, types) and not (isinstance(v, bool) and bool not in types)
    check(ok, '%s: %r should be %s in %r' % (where, key, typ, obj))
    return obj.get(key) if isinstance(obj, dict) else None


def loads(text, where):
    try:
        return json.loads(text)
    except ValueError as e:
        check(False, '%s: not JSON: %s\n%s' % (where, e, text))
        return None


def counters(c, where, sa):
    for k in ('packets', 'bytes', 'replay_errors', 'integrity_errors'):
        has(c, k, int, where)
    if sa:
        has(c, 'remaining_kilobytes', (int, type(None)), where)


def child(c, where):
    for k in ('spi_in', 'spi_out', 'established', 'lifetime_seconds', 'remaining_seconds'):
        has(c, k, int, where)
    for k in ('protocol', 'mode', 'local_subnet', 'remote_subnet'):
        has(c, k, str, where)
    has(c, 'encryption', (str, type(None)), where)
    has(c, 'integrity', (str, type(None)), where)
    has(c, 'pfs_group', (int, type(None)), where)
    counters(has(c, 'inbound', dict, where), where + ' inbound', True)
    counters(has(c, 'outbound', dict, where), where + ' outbound', True)


def ike(s, where):
    for k in ('local_address', 'remote_address', 'local_spi', 'remote_spi', 'auth_sign'):
        has(s, k, str, where)
    for k in ('local_port', 'remote_port', 'dh_group', 'lifetime_seconds', 'active_seconds',
              'established', 'dpd_interval', 'dpd_retries'):
        has(s, k, int, where)
    for k in ('initiator', 'nat_local', 'nat_remote'):
        has(s, k, bool, where)


def sample_objects(test_json):
    out = subprocess.run([test_json, '--dump'], capture_output=True, text=True, check=True).stdout
    parts = out.split('--\n')
    check(len(parts) == 5, 'test_json --dump: %d objects' % len(parts))
    tunnels, ike_sas, ipsec, sessions, stats = [loads(p, 'dump %d' % i)
                                                for i, p in enumerate(parts)]
    t = has(tunnels, 'tunnels', list, 'show ipsec tunnel')
    check(len(t) == 2, 'two tunnels')
    up, down = t
    check(up['name'] == 'HQ' and up['state'] == 'UP-ACTIVE' and up['tunnel_id'] == 3,
          'tunnel HQ: %r' % up)
    ike(has(up, 'ike_sa', dict, 'HQ'), 'HQ ike_sa')
    check(up['ike_sa']['local_spi'] == '000D3669857A0F82', 'local spi')
    sas = has(up, 'ipsec_sas', list, 'HQ')
    check(len(sas) == 1, 'HQ has one SA')
    child(sas[0], 'HQ sa')
    check(sas[0]['spi_in'] == 0xA54D38A4 and sas[0]['inbound']['packets'] == 279 and
          sas[0]['inbound']['replay_errors'] == 2 and sas[0]['outbound']['packets'] == 164,
          'HQ counters: %r' % sas[0])
    tr = has(up, 'traffic_since_commit', dict, 'HQ')
    counters(tr['in'], 'HQ in', False)
    check(tr['in']['packets'] == 500 and tr['out']['bytes'] == 40000, 'totals: %r' % tr)
    check(down['name'] == 'B"R\\1' and down['ike_sa'] is None and down['ipsec_sas'] == [],
          'tunnel down: %r' % down)
    check(down['reason'].endswith('NO_PROPOSAL_CHOSEN\n(offered aes256)') and
          down['reason_since'] == 1200, 'reason kept whole, newline included')
    i = has(ike_sas, 'ike_sas', list, 'show crypto ikev2 sa')
    check(len(i) == 1 and i[0]['tunnel'] == 'HQ' and i[0]['status'] == 'READY', 'ike_sas')
    ike(i[0]['sa'], 'ike_sas[0].sa')
    p = has(ipsec, 'tunnels', list, 'show crypto ipsec sa')
    check(len(p) == 2 and len(p[0]['sas']) == 1, 'ipsec sa')
    child(p[0]['sas'][0], 'ipsec sa')
    check(p[0]['remote_port'] == 500 and p[1]['remote_port'] is None, 'remote_port')
    s = has(sessions, 'sessions', list, 'show crypto session')
    check(s[0]['status'] == 'UP-ACTIVE' and s[1]['status'] == 'DOWN', 'session status')
    f = has(s[0], 'flows', list, 'session HQ')
    check(len(f) == 1 and f[0]['active_sas'] == 2 and f[0]['inbound']['drops'] == 2 and
          f[0]['inbound']['packets'] == 279, 'flows: %r' % f)
    check(has(stats, 'messages_received', int, 'stats') == 10 and stats['active'] == 1 and
          stats['ike_sa_count'] == 1, 'stats')
    print('ok: status objects with SAs and counters')


def ikesh(binary, env, command):
    p = subprocess.run([binary, '-c', command], capture_output=True, text=True, env=env,
                       timeout=30)
    check(p.returncode == 0, '%s: exit %d: %s' % (command, p.returncode, p.stderr))
    return loads(p.stdout, command)


def commands(binary, examples):
    tmp = tempfile.mkdtemp()
    try:
        env = dict(os.environ, IKESH_NO_IKE='1', IKESH_STATE_DIR=os.path.join(tmp, 'state'),
                   IKESH_RUN_DIR=os.path.join(tmp, 'run'))
        os.makedirs(env['IKESH_STATE_DIR'])
        shutil.copy(os.path.join(examples, 'site-to-site-a.cfg'),
                    os.path.join(env['IKESH_STATE_DIR'], 'startup-config'))
        # one commit, for the list and its changes
        p = subprocess.run([binary], input='configure terminal\nhostname js\nend\n',
                           capture_output=True, text=True, env=env, timeout=30)
        check(p.returncode == 0, 'commit: %s %s' % (p.stdout, p.stderr))
        run = ikesh(binary, env, 'show running-config | json')
        check(has(run, 'hostname', str, 'run') == 'js', 'hostname')
        for k in ('ikev1_policies', 'ikev2_policies', 'ipsec_policies', 'tunnels'):
            has(run, k, list, 'run')
        pol = run['ikev2_policies'][0]
        check(pol['id'] == 10 and pol['group'] == [19, 14] and
              pol['lifetime_seconds'] == 28800, 'ikev2 policy: %r' % pol)
        t = run['tunnels'][0]
        check(t['name'] == 'BRANCH' and t['pre_shared_key'] == '*****' and
              t['remote_address'] == ['198.51.100.2'] and t['dpd']['interval'] == 30 and
              t['local_id'] == {'type': 'fqdn', 'value': 'hq.example.net'} and
              t['rekey'] is True, 'tunnel: %r' % t)
        sec = ikesh(binary, env, 'show running-config secrets | json')
        check(sec['tunnels'][0]['pre_shared_key'] not in (None, '*****'), 'secrets in clear')
        t = ikesh(binary, env, 'show ipsec tunnel | json')
        t0 = has(t, 'tunnels', list, 'tunnel')[0]
        check(t0['name'] == 'BRANCH' and t0['ike_sa'] is None and
              isinstance(t0['tunnel_id'], int), 'tunnel down: %r' % t0)
        t = ikesh(binary, env, 'show ipsec tunnel BRANCH | json')
        check(len(t['tunnels']) == 1, 'one tunnel by name')
        check(ikesh(binary, env, 'show crypto ikev2 sa | json') == {'ike_sas': []}, 'no IKE SA')
        check(ikesh(binary, env, 'show crypto ikev2 sa detail | json') == {'ike_sas': []},
              'detail: same object')
        s = ikesh(binary, env, 'show crypto ipsec sa | json')
        check(s['tunnels'][0]['sas'] == [], 'no IPsec SA')
        s = ikesh(binary, env, 'show crypto session detail | json')
        check(s['sessions'][0]['status'] == 'DOWN', 'session down')
        st = ikesh(binary, env, 'show crypto ikev2 stats | json')
        check(all(isinstance(v, int) and not isinstance(v, bool) for v in st.values()) and
              len(st) == 27, 'stats: all numbers: %r' % st)
        c = ikesh(binary, env, 'show configuration commit list | json')
        c0 = has(c, 'commits', list, 'commits')[0]
        for k in ('sno', 'id', 'time'):
            has(c0, k, int, 'commit')
        has(c0, 'user', str, 'commit')
        has(c0, 'confirm_pending', bool, 'commit')
        ch = ikesh(binary, env, 'show configuration commit changes %d | json' % c0['id'])
        check(any('hostname js' in line for line in has(ch, 'lines', list, 'changes')),
              'commit changes: %r' % ch)
        u = ikesh(binary, env, 'show users | json')
        check(u['sessions'][0]['self'] is True and isinstance(u['sessions'][0]['since'], int),
              'users')
        v = ikesh(binary, env, 'show version | json')
        check(v['engine'] in ('embedded', 'daemon') and isinstance(v['version'], str), 'version')
        d = ikesh(binary, env, 'show debugging | json')
        check(d == {'debugging': []}, 'debugging')
        for cmd in ('show startup-config | json', 'show logging | json'):
            o = ikesh(binary, env, cmd)
            check(isinstance(o.get('lines'), list) and
                  all(isinstance(x, str) for x in o['lines']), cmd)
        # after the JSON, text filters still apply to its lines
        p = subprocess.run([binary, '-c', 'show running-config | json | include "name"'],
                           capture_output=True, text=True, env=env, timeout=30)
        check(p.stdout.split() == ['"hostname":', '"js",', '"name":', '"GCM",', '"name":',
                                   '"BRANCH",'],
              'json | include: %r' % p.stdout)
        print('ok: every show command with | json')
    finally:
        shutil.rmtree(tmp)


def main():
    test_json, binary, examples = sys.argv[1:4]
    sample_objects(test_json)
    commands(binary, examples)
    if failures:
        print('%d failure(s)' % len(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
