#!/bin/sh
# Installs what is missing, builds, and starts ikesh with the embedded
# engine on state and runtime directories inside the build tree, preloaded
# with examples/site-to-site-a.cfg the first time.
set -eu
cd "$(dirname "$0")/.."
sh .ci/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc)" --target ikesh >/dev/null
mkdir -p build/state build/run
[ -f build/state/startup-config ] || cp examples/site-to-site-a.cfg build/state/startup-config
exec build/shell/ikesh --state-dir build/state --run-dir build/run "$@"
