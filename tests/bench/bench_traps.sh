#!/bin/sh
# bench_traps.sh IKESHD IKESH [TUNNELS] [RUNS] - prints figures; not a test.
#
# Committing TUNNELS tunnels (default 1000; one /24 each, start-mode
# on-demand: only their trap policies go to the kernel) with the engine
# running, through ikeshd on the real XFRM kernel in a private network
# namespace (unshare -n: nothing touches the host's state), timed from
# `ikesh -f` starting until it returns, min / median / max of RUNS (3).
# Needs root.
set -eu
[ $# -ge 2 ] || { sed -n 2,9p "$0"; exit 2; }
ikeshd=$1 ikesh=$2 n=${3:-1000} runs=${4:-3}
[ "$(id -u)" = 0 ] || { echo "bench_traps: needs root (a network namespace)"; exit 77; }

gen() {
	echo "configure terminal"
	i=0
	while [ $i -lt "$1" ]; do
		printf 'ipsec tunnel T%05d\n local-address 192.0.2.1\n remote-address 10.%d.%d.%d\n' \
			$i $((100 + i / 65536)) $((i / 256 % 256)) $((i % 256))
		printf ' authentication pre-share key k-%d\n local-subnet 172.16.0.0/16\n' $i
		printf ' remote-subnet 10.%d.%d.0/24\n start-mode on-demand\n' $((i / 256 % 256)) $((i % 256))
		i=$((i + 1))
	done
}

one_run() { # prints: seconds policies
	d=$(mktemp -d /tmp/bench-traps.XXXXXX)
	mkdir "$d/st" "$d/run"
	gen "$n" >"$d/all.txt"
	unshare -n sh -c '
		d=$1 ikeshd=$2 ikesh=$3
		ip link set lo up
		ip addr add 192.0.2.1/32 dev lo
		"$ikeshd" --state-dir "$d/st" --run-dir "$d/run" --ike-port 15000 \
			</dev/null >"$d/ikeshd.log" 2>&1 &
		pid=$!
		until [ -S "$d/run/ikeshd.sock" ]; do
			kill -0 $pid 2>/dev/null || { echo "ikeshd did not start" >&2; exit 1; }
			sleep 0.05
		done
		t0=$(date +%s.%N)
		"$ikesh" --state-dir "$d/st" --run-dir "$d/run" -f "$d/all.txt" >/dev/null
		t1=$(date +%s.%N)
		pols=$(ip xfrm policy | grep -c "^src" || true)
		kill $pid
		wait $pid || true
		echo "$(echo "$t1 - $t0" | bc -l) $pols"
	' sh "$d" "$ikeshd" "$ikesh"
	rm -rf "$d"
}

echo "commit of $n on-demand tunnels with the engine running (real XFRM, own netns);" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
: >/tmp/bench-traps.$$
while [ $r -le "$runs" ]; do
	one_run >>/tmp/bench-traps.$$
	r=$((r + 1))
done
pols=$(tail -1 /tmp/bench-traps.$$ | cut -d' ' -f2)
sort -n /tmp/bench-traps.$$ | awk -v pols="$pols" '{ v[NR] = $1 } END {
	printf "ikesh -f load + commit, prompt back    %.3f / %.3f / %.3f s (min / median / max)\n",
		v[1], v[int((NR + 1) / 2)], v[NR]
	printf "trap policies in the kernel            %d\n", pols }'
rm -f /tmp/bench-traps.$$
