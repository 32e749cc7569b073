`write memory` while a `commit confirmed` waits saves the configuration
before it, and says so: a reboot (a new run directory) does not bring
the unconfirmed change back (after the automatic revert either: see
tests/unit/test_eng_confirm.c, whose clock can be moved).  Once
confirmed, `write memory` saves it.
@@ run --state-dir {tmp}/s --run-dir {tmp}/r -c "conf t" -c "hostname one" -c "end" -c "write memory"
@@ stdout
Building configuration...
[OK]
@@ run --state-dir {tmp}/s --run-dir {tmp}/r -c "conf t" -c "hostname two" -c "commit confirmed 5" -c "end" -c "write memory"
@@ stdout
Commit 2 applied; it reverts in 5 minutes unless confirmed with `commit` or `confirm`.
Building configuration...
[OK]
% Note: commit 2 is not confirmed: startup-config holds the configuration before it; write memory again once it is confirmed
@@ run --state-dir {tmp}/s --run-dir {tmp}/r -c "show startup-config | include hostname" -c "show running-config | include hostname"
@@ stdout
hostname one
hostname two
@@ run --state-dir {tmp}/s --run-dir {tmp}/r2 -c "show running-config | include hostname"
@@ stdout
hostname one
@@ run --state-dir {tmp}/s --run-dir {tmp}/r3 -c "conf t" -c "hostname three" -c "commit confirmed 5" -c "confirm" -c "end" -c "write memory"
@@ stdout
Commit 3 applied; it reverts in 5 minutes unless confirmed with `commit` or `confirm`.
Commit confirmed.
Building configuration...
[OK]
@@ run --state-dir {tmp}/s --run-dir {tmp}/r4 -c "show running-config | include hostname"
@@ stdout
hostname three
