Command-line options.
@@ run --version
@@ stdout
ikesh 0.1.0
@@ run --help
@@ stdout
usage: ikesh [--state-dir DIR] [--run-dir DIR] [-c CMD]... [-f FILE] [--check]

  --state-dir DIR  startup-config and commit history (IKESH_STATE_DIR, default /etc/ikesh)
  --run-dir DIR    the running configuration (IKESH_RUN_DIR, default /run/ikesh)
  -c CMD           run CMD as if typed at the EXEC prompt (repeatable)
  -f FILE          run the lines of FILE (also: #!/usr/sbin/ikesh -f)
  --check          validate the script's configuration, commit nothing
  --no-ike         do not negotiate tunnels, edit configuration only (IKESH_NO_IKE=1)
  --ike-port PORT  UDP port for IKE, PORT+1 for NAT-T (default 500 and 4500)
  --help, --version

Without -c or -f, ikesh is interactive on a terminal and reads a script from
standard input otherwise.  An interactive ikesh runs the IKE engine: its
tunnels negotiate while it runs.
@@ run --bogus
@@ stderr
{ikesh}: unrecognized option '--bogus'
usage: ikesh [--state-dir DIR] [--run-dir DIR] [-c CMD]... [-f FILE] [--check]

  --state-dir DIR  startup-config and commit history (IKESH_STATE_DIR, default /etc/ikesh)
  --run-dir DIR    the running configuration (IKESH_RUN_DIR, default /run/ikesh)
  -c CMD           run CMD as if typed at the EXEC prompt (repeatable)
  -f FILE          run the lines of FILE (also: #!/usr/sbin/ikesh -f)
  --check          validate the script's configuration, commit nothing
  --no-ike         do not negotiate tunnels, edit configuration only (IKESH_NO_IKE=1)
  --ike-port PORT  UDP port for IKE, PORT+1 for NAT-T (default 500 and 4500)
  --help, --version

Without -c or -f, ikesh is interactive on a terminal and reads a script from
standard input otherwise.  An interactive ikesh runs the IKE engine: its
tunnels negotiate while it runs.
@@ exit 2
@@ run -f {tmp}/missing.ikesh
@@ stderr
ikesh: {tmp}/missing.ikesh: No such file or directory
@@ exit 1
@@ run -f a -f b
@@ stderr
ikesh: -f may be given once
@@ exit 2
@@ # --state-dir wins over IKESH_STATE_DIR (which the runner sets)
@@ file alt/startup-config
hostname ALT
@@ run --state-dir {tmp}/alt -c "show running-config"
@@ stdout
hostname ALT
@@ run -c "show running-config"
@@ stdout
hostname ikesh
