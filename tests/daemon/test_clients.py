#!/usr/bin/python3
"""The automation clients network teams use, against ikesh as the login
shell over a private sshd with ikeshd behind it.

usage: test_clients.py CMAKE BUILD_DIR [--only NAME] [--with-key]

Drives Debian's own clients (run with /usr/bin/python3: python3-netmiko,
python3-paramiko, ansible) exactly as they come:
  * netmiko cisco_ios: send_config_set + save_config applies and saves; a
    refused line comes back in the returned text; a refused commit on
    `end` makes netmiko raise (it cannot leave configuration mode);
  * netmiko cisco_xr: send_config_set + commit(); a refused commit raises
    with the errors;
  * Ansible cisco.ios.ios_config with become: changed once (and saved,
    save_when: changed), ok on the same second run; fails on a refused
    line and on a refused commit;
    cisco.ios.ios_command; cisco.iosxr.iosxr_config;
  * paramiko exec_command one-shots and their exit codes.
--with-key runs only the key tests: ios_config with a pre-shared key line, taken
as `show running-config` prints it (IOS's type 6), changed once and ok the
second time, and a backup taken with ios_command restored with `copy`;
ctest runs them as their own test (daemon_clients_key).
Needs root and openssh-server (else it is skipped, status 77).
"""
import json
import os
import shutil
import subprocess
import sys
import time

from dlib import SKIP, TestFailure, check
from sshd_env import SSHD, SshdEnv

# users of their own: test_sshd.py and the --with-key run may run alongside
ADMIN, OPER = 'ikt-cli-admin', 'ikt-cli-oper'
if '--with-key' in sys.argv:
    ADMIN, OPER = 'ikt-cli6-admin', 'ikt-cli6-oper'
USERS = {ADMIN: ['ikesh', 'ikesh-admin'], OPER: ['ikesh']}
STARTUP = 'hostname gw\n!\n'
PROMPT = r'gw[#>]'


def connect_netmiko(env, kind):
    from netmiko import ConnectHandler
    return ConnectHandler(device_type=kind, host='127.0.0.1', port=env.port, username=ADMIN,
                          use_keys=True, key_file=env.key, allow_agent=False, timeout=30,
                          system_host_keys=False)


def running(env):
    rc, out, err = env.ikesh_c(ADMIN, 'show running-config')
    check(rc == 0, 'show running-config: %r %r' % (out, err))
    return out


def startup(env):
    rc, out, err = env.ikesh_c(ADMIN, 'show startup-config')
    check(rc == 0, 'show startup-config: %r %r' % (out, err))
    return out


def test_netmiko_ios(env):
    c = connect_netmiko(env, 'cisco_ios')
    try:
        out = c.send_config_set(['crypto ipsec policy NM', 'encryption aes256-gcm', 'exit',
                                 'crypto ikev2 policy 7', 'lifetime 3600'])
        print('netmiko cisco_ios send_config_set printed:\n%s' % out)
        check(c.check_config_mode() is False, 'still in configuration mode: %r' % out)
        check('%' not in out, 'send_config_set: %r' % out)
        run = running(env)
        check('crypto ikev2 policy 7\n lifetime 3600' in run and
              'crypto ipsec policy NM\n encryption aes256-gcm' in run,
              'not applied: %r' % run)
        out = c.save_config()
        print('netmiko cisco_ios save_config printed: %r' % out)
        check('[OK]' in out, 'save_config: %r' % out)
        check('crypto ikev2 policy 7\n lifetime 3600' in startup(env), 'not saved')
        print('ok: netmiko cisco_ios send_config_set + save_config applied and saved')

        # a refused line: netmiko 2.4 returns it in the text (it does not
        # raise); the lines around it are applied, as IOS does
        out = c.send_config_set(['crypto ikev2 policy 8', 'lifetime 1200', 'bogus line here'])
        print('netmiko cisco_ios send_config_set with a bad line printed:\n%s' % out)
        check("% Invalid input detected at '^' marker." in out, 'bad line: %r' % out)
        check('crypto ikev2 policy 8\n lifetime 1200' in running(env), 'the good lines')
        print('ok: netmiko cisco_ios: a refused line is in the returned text')

        # a commit refused at `end`: configuration mode cannot be left
        try:
            out = c.send_config_set(['ipsec tunnel NMBAD', 'ike-policy 99'])
            raise TestFailure('send_config_set with a refused commit returned %r' % out)
        except ValueError as e:
            print('netmiko cisco_ios send_config_set with a refused commit raised: %r' % str(e))
            check('Failed to exit configuration mode' in str(e), 'raised %r' % e)
        out = c.send_command_timing('show configuration failed')
        print('show configuration failed printed:\n%s' % out)
        check('tunnel NMBAD: ike-policy 99 does not exist' in out, 'show configuration '
              'failed: %r' % out)
        check('NMBAD' not in running(env), 'a refused commit applied something')
        out = c.send_command_timing('abort')
        check(c.check_config_mode() is False, 'abort: %r' % out)
        print('ok: netmiko cisco_ios: a refused commit raises; show configuration failed')
    finally:
        c.disconnect()


def test_netmiko_xr(env):
    c = connect_netmiko(env, 'cisco_xr')
    try:
        out = c.send_config_set(['crypto ikev2 policy 9', 'lifetime 7200'])
        print('netmiko cisco_xr send_config_set printed:\n%s' % out)
        check(c.check_config_mode(), 'cisco_xr stays in configuration mode')
        check('lifetime 7200' not in running(env), 'applied before commit()')
        out = c.commit()
        print('netmiko cisco_xr commit() printed: %r' % out)
        check('crypto ikev2 policy 9\n lifetime 7200' in running(env), 'commit() applied nothing')
        c.exit_config_mode()
        print('ok: netmiko cisco_xr send_config_set + commit()')

        c.send_config_set(['ipsec tunnel XRBAD', 'ike-policy 98'])
        try:
            out = c.commit()
            raise TestFailure('commit() of a bad candidate returned %r' % out)
        except ValueError as e:
            print('netmiko cisco_xr commit() of a bad candidate raised:\n%s' % e)
            check('% Error: Failed to commit' in str(e) and
                  'tunnel XRBAD: ike-policy 98 does not exist' in str(e), 'raised %r' % e)
        c.send_command_timing('abort')
        check('XRBAD' not in running(env), 'a refused commit applied something')
        print('ok: netmiko cisco_xr: a refused commit raises with the errors')
    finally:
        c.disconnect()


def test_paramiko(env):
    import paramiko
    cl = paramiko.SSHClient()
    cl.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    cl.connect('127.0.0.1', port=env.port, username=ADMIN, key_filename=env.key,
               allow_agent=False, look_for_keys=False, timeout=30)
    try:
        want = [('show version', 0, 'Engine: ikeshd (daemon)', ''),
                ('show privilege', 0, 'Current privilege level is 15', ''),
                ('bogus', 1, '', "% Invalid input detected at 'bogus'"),
                ('show running-config hostname', 0, 'hostname gw', ''),
                ('configure terminal\nipsec tunnel PM\nike-policy 5', 1, '',
                 '% Error: Failed to commit'),
                ('configure terminal\ncrypto ikev2 policy 30\nlifetime 900', 0, '', '')]
        for cmd, status, out_has, err_has in want:
            _, o, e = cl.exec_command(cmd, timeout=30)
            rc = o.channel.recv_exit_status()
            out, err = o.read().decode(), e.read().decode()
            print('paramiko exec_command %r: exit %d, stdout %r, stderr %r' % (cmd, rc, out, err))
            check(rc == status and out_has in out and err_has in err, 'one-shot %r' % cmd)
        check('crypto ikev2 policy 30\n lifetime 900' in running(env), 'one-shot commit')
        print('ok: paramiko one-shot commands and their exit codes')
    finally:
        cl.close()
    # an operator is at level 1 and cannot enable
    rc, out, err = env.ikesh_c(OPER, 'show privilege', 'enable')
    print('operator one-shot show privilege + enable: exit %d, %r %r' % (rc, out, err))
    check('Current privilege level is 1\n' in out and '% Error: Access denied' in err and rc != 0,
          'operator privilege')


class Ansible:
    """ansible-playbook with everything in a temporary directory: its own
    configuration, home, temporary and persistent-connection directories,
    inventory; host keys not checked (the sshd is ours)."""

    def __init__(self, env):
        self.env = env
        self.dir = os.path.join(env.tmp, 'ansible')
        os.makedirs(os.path.join(self.dir, 'home'), exist_ok=True)
        with open(os.path.join(self.dir, 'ansible.cfg'), 'w') as f:
            f.write('[defaults]\nhost_key_checking = False\nretry_files_enabled = False\n'
                    'stdout_callback = json\n')
        self.runs = 0

    def inventory(self, os_name, user):
        path = os.path.join(self.dir, 'inventory-%s-%s.json' % (os_name.replace('.', '_'), user))
        host = {'ansible_host': '127.0.0.1', 'ansible_port': self.env.port,
                'ansible_user': user, 'ansible_ssh_private_key_file': self.env.key,
                'ansible_connection': 'ansible.netcommon.network_cli',
                'ansible_network_os': os_name, 'ansible_network_cli_ssh_type': 'paramiko',
                'ansible_become': True, 'ansible_become_method': 'enable',
                'ansible_python_interpreter': '/usr/bin/python3'}
        with open(path, 'w') as f:
            json.dump({'all': {'hosts': {'gw': host}}}, f)
        return path

    def play(self, os_name, tasks, play_vars=None, user=ADMIN):
        """Run one play; returns the results of its tasks, in order."""
        self.runs += 1
        run = os.path.join(self.dir, 'run%d' % self.runs)
        os.makedirs(run)
        book = os.path.join(run, 'play.json')
        with open(book, 'w') as f:
            json.dump([{'hosts': 'gw', 'gather_facts': False, 'tasks': tasks,
                        'vars': play_vars or {}}], f)
        env = {k: v for k, v in os.environ.items() if not k.startswith('ANSIBLE_')}
        env.update({
            'HOME': os.path.join(self.dir, 'home'),
            'ANSIBLE_CONFIG': os.path.join(self.dir, 'ansible.cfg'),
            'ANSIBLE_HOME': os.path.join(run, 'home'),
            'ANSIBLE_LOCAL_TEMP': os.path.join(run, 'tmp'),
            'ANSIBLE_REMOTE_TEMP': os.path.join(run, 'rtmp'),
            'ANSIBLE_PERSISTENT_CONTROL_PATH_DIR': os.path.join(run, 'pc'),
            'ANSIBLE_SSH_CONTROL_PATH_DIR': os.path.join(run, 'cp'),
            'ANSIBLE_PARAMIKO_LOOK_FOR_KEYS': 'False',
            'ANSIBLE_PARAMIKO_RECORD_HOST_KEYS': 'False',
            'ANSIBLE_HOST_KEY_CHECKING': 'False',
            'ANSIBLE_PERSISTENT_COMMAND_TIMEOUT': '30',
            'ANSIBLE_PERSISTENT_CONNECT_TIMEOUT': '30',
            'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0',
        })
        started = time.monotonic()
        p = subprocess.run(['/usr/bin/ansible-playbook', '-i', self.inventory(os_name, user), book],
                           capture_output=True, text=True, env=env, timeout=240)
        took = time.monotonic() - started
        try:
            report = json.loads(p.stdout)
        except ValueError:
            raise TestFailure('ansible-playbook (%d) printed no JSON report: %r %r' %
                              (p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
        results = [t['hosts'].get('gw', {}) for t in report['plays'][0]['tasks']]
        for task, res in zip(tasks, results):
            shown = {k: res.get(k) for k in ('changed', 'failed', 'msg', 'module_stderr',
                                              'commands', 'updates', 'stdout_lines')
                     if k in res}
            print('ansible %s (%.1f s): %s' % (task.get('name', task.get('meta')), took,
                                                json.dumps(shown)))
        return results


def why(r):
    """What a failed task says: the module's message, or the device's
    answer Ansible passed on as the module's stderr."""
    return '%s\n%s' % (r.get('msg', ''), r.get('module_stderr', ''))


def ios_config(lines, parents=None):
    args = {'lines': lines}
    if parents:
        args['parents'] = parents
    return {'name': 'ios_config', 'cisco.ios.ios_config': args}


def test_ansible_ios(env, a):
    task = ios_config(['group 20', 'lifetime 1800'], ['crypto ikev2 policy 20'])
    task['cisco.ios.ios_config']['save_when'] = 'changed'
    r = a.play('cisco.ios.ios', [task])[0]
    check(r.get('changed') is True and not r.get('failed'), 'first ios_config run: %r' % r)
    check('crypto ikev2 policy 20\n group 20\n lifetime 1800' in running(env),
          'ios_config applied nothing')
    check('crypto ikev2 policy 20\n group 20\n lifetime 1800' in startup(env),
          'save_when: changed saved nothing')
    r = a.play('cisco.ios.ios', [task])[0]
    check(r.get('changed') is False and not r.get('failed'), 'second ios_config run: %r' % r)
    print('ok: ansible cisco.ios.ios_config with become: changed, then ok')

    r = a.play('cisco.ios.ios', [ios_config(['lifetime 600', 'no-such-setting 1'],
                                            ['crypto ikev2 policy 21'])])[0]
    check(r.get('failed') is True and 'Invalid input' in why(r),
          'ios_config with a refused line: %r' % r)
    print('ok: ansible cisco.ios.ios_config fails on a refused line')

    # (a refused commit keeps the session in configuration mode with its
    # candidate; Ansible begins every later task of the play on that
    # connection with `end`, which is refused the same way: the play is
    # run once per scenario here)
    r = a.play('cisco.ios.ios', [ios_config(['ike-policy 77'], ['ipsec tunnel ANSBAD'])])[0]
    check(r.get('failed') is True and 'Failed to commit' in why(r),
          'ios_config with a refused commit: %r' % r)
    check('ANSBAD' not in running(env), 'a refused commit applied something')
    print('ok: ansible cisco.ios.ios_config fails on a refused commit')

    # commit confirm: `configure terminal revert timer 1`, then `configure
    # confirm` after `end`
    r = a.play('cisco.ios.ios', [ios_config(['lifetime 1500'], ['crypto ikev2 policy 22'])],
               {'ansible_ios_commit_confirm_immediate': True})[0]
    check(r.get('changed') is True and not r.get('failed'), 'ios_config confirmed: %r' % r)
    rc, out, err = env.ikesh_c(ADMIN, 'show archive config rollback timer',
                               'show running-config | section policy 22')
    check('%No Rollback Confirmed Change pending' in out and 'lifetime 1500' in out,
          'after commit_confirm_immediate: %r %r' % (out, err))
    check(' confirmed by %s' % ADMIN in env.d.log_text(), 'no confirmed commit in the log')
    print('ok: ansible cisco.ios.ios_config with commit_confirm_immediate')

    r = a.play('cisco.ios.ios', [{'name': 'ios_command', 'cisco.ios.ios_command': {
        'commands': ['show privilege', 'show running-config | section ikev2 policy 20']}}])[0]
    out = r.get('stdout', [])
    check(not r.get('failed') and len(out) == 2 and 'Current privilege level is 15' in out[0] and
          'lifetime 1800' in out[1], 'ios_command: %r' % r)
    # become as an operator: level 1, and `enable` is refused
    r = a.play('cisco.ios.ios', [{'name': 'ios_command', 'cisco.ios.ios_command': {
        'commands': ['show privilege']}}], user=OPER)[0]
    check(r.get('failed') is True and 'Access denied' in why(r), 'operator become: %r' % r)
    r = a.play('cisco.ios.ios', [{'name': 'ios_command', 'cisco.ios.ios_command': {
        'commands': ['show no-such-thing']}}])[0]
    check(r.get('failed') is True, 'ios_command of a bad command: %r' % r)
    print('ok: ansible cisco.ios.ios_command; an operator cannot become')


def test_ansible_ios_key(env, a):
    """A playbook holds a key as `show running-config` prints it (as IOS's
    type 6): applied to a device without the tunnel it is changed, the
    same run again is ok, and the key is the one the text stands for."""
    rc, out, err = env.ikesh_c(ADMIN, 'configure terminal', 'ipsec tunnel ANSKEY',
                               'remote-address 192.0.2.40',
                               'authentication pre-share key ansible-key-1')
    check(rc == 0, 'setting the key: %r %r' % (out, err))
    keyline = [l.strip() for l in running(env).splitlines() if 'pre-share key' in l]
    print('show running-config prints the key as: %r' % keyline)
    check(len(keyline) == 1 and keyline[0].startswith('authentication pre-share key 6 '),
          'no restorable key in show running-config (type 6 not there yet): %r' % keyline)
    rc, out, err = env.ikesh_c(ADMIN, 'configure terminal', 'no ipsec tunnel ANSKEY')
    check(rc == 0 and 'ANSKEY' not in running(env), 'removing the tunnel: %r %r' % (out, err))
    task = ios_config(['remote-address 192.0.2.40', keyline[0]], ['ipsec tunnel ANSKEY'])
    r = a.play('cisco.ios.ios', [task])[0]
    check(r.get('changed') is True and not r.get('failed'), 'first run with a key: %r' % r)
    r = a.play('cisco.ios.ios', [task])[0]
    check(r.get('changed') is False and not r.get('failed'),
          'second identical run with a key line: %r' % r)
    rc, out, err = env.ikesh_c(ADMIN, 'show running-config secrets')
    check('authentication pre-share key ansible-key-1' in out, 'the key restored: %r' % out)
    print('ok: ansible cisco.ios.ios_config with a key line: changed, then ok')


def test_ansible_backup(env, a):
    """A backup taken with ios_command: show running-config (the way
    Ansible backs up an IOS device) restores with `copy FILE
    running-config`: the tunnel and its key come back as they were."""
    rc, out, err = env.ikesh_c(ADMIN, 'configure terminal', 'ipsec tunnel BACKUP',
                               'remote-address 192.0.2.41',
                               'authentication pre-share key backup-key-1')
    check(rc == 0, 'setting up the tunnel: %r %r' % (out, err))
    before = running(env)
    r = a.play('cisco.ios.ios', [{'name': 'ios_command', 'cisco.ios.ios_command': {
        'commands': ['show running-config']}}])[0]
    out = r.get('stdout', [])
    check(not r.get('failed') and len(out) == 1 and 'ipsec tunnel BACKUP' in out[0] and
          'pre-share key 6 ' in out[0], 'ios_command backup: %r' % r)
    path = os.path.join(env.tmp, 'backup.cfg')
    with open(path, 'w') as f:
        f.write(out[0] + '\n')
    os.chmod(path, 0o644)
    rc, out, err = env.ikesh_c(ADMIN, 'configure terminal', 'no ipsec tunnel BACKUP')
    check(rc == 0 and 'BACKUP' not in running(env), 'removing the tunnel: %r %r' % (out, err))
    rc, out, err = env.ikesh_c(ADMIN, 'copy %s running-config' % path)
    check(rc == 0, 'copy of the backup: %r %r' % (out, err))
    after = running(env)
    check(after == before, 'restored running-config differs:\n%s\n---\n%s' % (before, after))
    rc, out, err = env.ikesh_c(ADMIN, 'show running-config secrets')
    check('authentication pre-share key backup-key-1' in out, 'the key restored: %r' % out)
    print('ok: a backup from ansible ios_command: show running-config restores with copy')


def test_ansible_iosxr(env, a):
    task = {'name': 'iosxr_config', 'cisco.iosxr.iosxr_config': {
        'lines': ['lifetime 2400'], 'parents': ['crypto ikev2 policy 40']}}
    r = a.play('cisco.iosxr.iosxr', [task])[0]
    check(r.get('changed') is True and not r.get('failed'), 'iosxr_config: %r' % r)
    check('crypto ikev2 policy 40\n lifetime 2400' in running(env), 'iosxr_config applied '
          'nothing')
    r = a.play('cisco.iosxr.iosxr', [task])[0]
    check(r.get('changed') is False and not r.get('failed'), 'second iosxr_config: %r' % r)
    r = a.play('cisco.iosxr.iosxr', [{'name': 'iosxr_config', 'cisco.iosxr.iosxr_config': {
        'lines': ['ike-policy 66'], 'parents': ['ipsec tunnel XRANS']}}])[0]
    check(r.get('failed') is True and 'Failed to commit' in why(r),
          'iosxr_config with a refused commit: %r' % r)
    check('XRANS' not in running(env), 'a refused commit applied something')
    r = a.play('cisco.iosxr.iosxr', [{'name': 'iosxr_config', 'cisco.iosxr.iosxr_config': {
        'lines': ['lifetime 2500'], 'parents': ['crypto ikev2 policy 41'], 'exclusive': True,
        'comment': 'from ansible'}}])[0]
    check(r.get('changed') is True and not r.get('failed'), 'iosxr_config exclusive: %r' % r)
    check('crypto ikev2 policy 41\n lifetime 2500' in running(env), 'exclusive applied nothing')
    rc, out, err = env.ikesh_c(ADMIN, 'show configuration commit list | utility head -n 2')
    check('from ansible' in out, 'the commit comment: %r' % out)
    print('ok: ansible cisco.iosxr.iosxr_config: changed, then ok; fails on a refused commit; '
          'exclusive with a comment')


def main():
    args = sys.argv[1:]
    only = args[args.index('--only') + 1] if '--only' in args else None
    with_key = '--with-key' in args
    if os.geteuid() != 0 or not os.path.exists(SSHD) or not shutil.which('ssh'):
        print('SKIP: needs root, %s and ssh (openssh-server, see .ci/deps.sh)' % SSHD)
        return SKIP
    try:
        import netmiko  # noqa: F401
        import paramiko  # noqa: F401
    except ImportError as e:
        print('FAIL: %s (python3-netmiko, see .ci/deps.sh; run with /usr/bin/python3)' % e)
        return 1
    if not os.path.exists('/usr/bin/ansible-playbook'):
        print('FAIL: /usr/bin/ansible-playbook missing (ansible, see .ci/deps.sh)')
        return 1
    env = SshdEnv(args[0], args[1], USERS, STARTUP)
    try:
        env.start()
        a = Ansible(env)
        tests = [('netmiko_ios', lambda: test_netmiko_ios(env)),
                 ('netmiko_xr', lambda: test_netmiko_xr(env)),
                 ('paramiko', lambda: test_paramiko(env)),
                 ('ansible_ios', lambda: test_ansible_ios(env, a)),
                 ('ansible_iosxr', lambda: test_ansible_iosxr(env, a))]
        if with_key:
            tests = [('ansible_ios_key', lambda: test_ansible_ios_key(env, a)),
                     ('ansible_backup', lambda: test_ansible_backup(env, a))]
        for name, fn in tests:
            if only is None or only == name:
                fn()
        return 0
    except TestFailure as e:
        print('FAIL: %s' % e)
        return 1
    finally:
        env.stop()


if __name__ == '__main__':
    sys.exit(main())
