IKESH_STATE_DIR names the state directory when --state-dir is not given.
@@ env IKESH_STATE_DIR={tmp}/alt
@@ file alt/startup-config
hostname ALT
@@ run -c "show running-config"
@@ stdout
hostname ALT
@@ run --state-dir {state} -c "show running-config"
@@ stdout
hostname ikesh
