#!/bin/sh
# Run one libFuzzer harness for a bounded time, from its seed corpus:
#   tests/fuzz/run.sh NAME SECONDS [FUZZ_BUILD_DIR [libFuzzer options...]]
# NAME is ike_msg, ike_responder, ike_initiator, ctl, json or pki; FUZZ_BUILD_DIR is
# the clang tree the ordinary build makes (default build/fuzz). Inputs
# that add coverage are kept in FUZZ_BUILD_DIR/corpus/NAME (a longer run
# starts from there), a crash is written to FUZZ_BUILD_DIR/artifacts/NAME/
# and fails the run.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 NAME SECONDS [FUZZ_BUILD_DIR [options]]" >&2; exit 2; }
name=$1
secs=$2
dir=${3:-build/fuzz}
[ $# -ge 3 ] && shift 3 || shift $#
bin=$dir/tests/fuzz/fuzz_$name
seeds=$dir/tests/fuzz/seeds/$name
corpus=$dir/corpus/$name
artifacts=$dir/artifacts/$name
[ -x "$bin" ] || { echo "$bin: not built (cmake --build build builds the fuzz tree)" >&2; exit 2; }
[ -d "$seeds" ] || { echo "$seeds: no seed corpus" >&2; exit 2; }
mkdir -p "$corpus" "$artifacts"
# The exchange seeds are whole runs of a few KB: mutate them at their
# size from the start (-len_control=0) rather than growing from 4 bytes.
case $name in
ctl) opts="-max_len=65536" ;;
ike_msg) opts="-max_len=16384" ;;
*) opts="-max_len=16384 -len_control=0" ;;
esac
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:abort_on_error=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}:halt_on_error=1"
# shellcheck disable=SC2086
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 $opts \
	-print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$corpus" "$seeds"
