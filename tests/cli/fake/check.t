--check validates the script's configuration and commits nothing: a
`commit` line becomes a check, `write` and `copy` are skipped.
@@ run --check -c "conf t" -c "hostname R1" -c "end"
@@ stdout
Configuration is valid.
@@ run --check -c "conf t" -c "hostname invalid"
@@ stderr
-c: % Commit failed: hostname 'invalid' is refused
@@ exit 1
@@ run --check -c "conf t" -c "hostname R1" -c "commit" -c "hostname R2"
@@ stdout
Configuration is valid.
Configuration is valid.
@@ run --check -c "conf t" -c "hostname R1" -c "com" -c "end" -c "show running-config"
@@ stdout
Configuration is valid.
hostname ikesh
Configuration is valid.
