--state-dir and --run-dir (or IKESH_STATE_DIR and IKESH_RUN_DIR, which
the runner sets): startup-config and history live in the state
directory, the running configuration in the run directory; a new run
directory (a reboot) starts from startup-config.  (`write memory` in a
script saves what the whole script commits, at its end: "three".)
@@ run --state-dir {tmp}/s2 --run-dir {tmp}/r2 -c "conf t" -c "hostname two" -c "end" -c "write memory" -c "conf t" -c "hostname three"
@@ stdout
Building configuration...
[OK]
@@ run --state-dir {tmp}/s2 --run-dir {tmp}/r2 -c "show running-config | include hostname" -c "show startup-config | include hostname"
@@ stdout
hostname three
hostname three
@@ run --state-dir {tmp}/s2 --run-dir {tmp}/r3 -c "conf t" -c "hostname four" -c "end"
@@ run --state-dir {tmp}/s2 --run-dir {tmp}/r4 -c "show running-config | include hostname"
@@ stdout
hostname three
@@ run -c "show running-config | include hostname"
