#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The half-open flood of issue 10, over two network namespaces (root only):
#  1. a responder is flooded with cookie-echoing IKE_SA_INIT requests from
#     COUNT addresses of one IPv6 /64, each 4096 bytes with its COOKIE (the
#     largest taken), while a legitimate initiator sets up its IKE SA over
#     and over: the responder's RSS must stay within RSS_BOUND_KB of where it
#     started and every legitimate setup must succeed;
#     1b: the same from addresses in as many /64s: the global cap binds, RSS
#     stays within RSS_CAP_BOUND_KB and the legitimate peer gets in (a
#     setup may time out: the responder is out of CPU);
#  2. requests spoofing the legitimate peer's own address (never echoing a
#     COOKIE) must not keep that peer out;
#  3. requests from spoofed on-link sources, whose replies wait for neighbour
#     discovery that never answers, must not starve the legitimate replies.
# Usage: flood_netns.sh BUILD_DIR [RATE SECONDS COUNT]
set -eu
BIN=${1:?build dir}/tests/flood/flood_net
RATE=${2:-10000}
SECS=${3:-10}
COUNT=${4:-5000}
RSS_BOUND_KB=${RSS_BOUND_KB:-16384}
RSS_CAP_BOUND_KB=${RSS_CAP_BOUND_KB:-65536}
NR=ikflood-r$$
NI=ikflood-i$$
OUT=$(mktemp -d)

cleanup() {
	ip netns del "$NR" 2>/dev/null || true
	ip netns del "$NI" 2>/dev/null || true
	rm -rf "$OUT"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "flood_netns: needs root (network namespaces)"; exit 77; }
ip netns add "$NR"
ip netns add "$NI"
ip link add ikf-r type veth peer name ikf-i
ip link set ikf-r netns "$NR"
ip link set ikf-i netns "$NI"
ip -n "$NR" link set lo up
ip -n "$NI" link set lo up
ip -n "$NR" link set ikf-r up
ip -n "$NI" link set ikf-i up
ip -n "$NR" -6 addr add 2001:db8:1::1/64 dev ikf-r nodad
ip -n "$NI" -6 addr add 2001:db8:1::2/64 dev ikf-i nodad
# the flood's /64 lives in the initiator's namespace: any address of it is local there
ip -n "$NR" -6 route add 2001:db8:f::/48 via 2001:db8:1::2
ip -n "$NI" -6 route add local 2001:db8:f::/48 dev lo
# a /64 the responder takes as on-link that nobody answers neighbour discovery for
ip -n "$NR" -6 route add 2001:db8:e::/64 dev ikf-r

# Start a responder for $1 seconds; return once it says it is ready.
responder() {
	: >"$OUT/resp"
	ip netns exec "$NR" "$BIN" responder 2001:db8:1::1 "$1" >"$OUT/resp" 2>&1 &
	RPID=$!
	i=0
	until grep -q '^ready' "$OUT/resp"; do
		i=$((i + 1))
		[ $i -lt 500 ] || { echo "responder did not start"; cat "$OUT/resp"; exit 1; }
		kill -0 $RPID 2>/dev/null || { echo "responder died"; cat "$OUT/resp"; exit 1; }
		sleep 0.01 # polling for the ready line, not a synchronisation by time
	done
}

fail=0
echo "== 1: cookie-echoing flood from $COUNT addresses of 2001:db8:f:1::/64, $RATE/s for ${SECS}s"
responder $((SECS + 4))
ip netns exec "$NI" "$BIN" flood 2001:db8:1::1 2001:db8:f:1:: "$COUNT" "$RATE" "$SECS" \
	>"$OUT/flood" 2>&1 &
FPID=$!
ip netns exec "$NI" "$BIN" initiator 2001:db8:1::2 2001:db8:1::1 "$SECS" >"$OUT/init" 2>&1 || { echo "FAIL: initiator exit status"; fail=1; }
wait $FPID || { echo "FAIL: flooder exit status"; fail=1; }
wait $RPID || { echo "FAIL: responder exit status"; fail=1; }
cat "$OUT/flood" "$OUT/init" "$OUT/resp" | grep -v '^ready'
start=$(sed -n 's/.*rss_start_kb \([0-9]*\).*/\1/p' "$OUT/resp")
peak=$(sed -n 's/.*rss_peak_kb \([0-9]*\).*/\1/p' "$OUT/resp")
growth=$((peak - start))
echo "RSS growth ${growth} kB (bound ${RSS_BOUND_KB} kB)"
[ "$growth" -le "$RSS_BOUND_KB" ] || { echo "FAIL: RSS grew past the bound"; fail=1; }
grep -q 'setups_ok [1-9]' "$OUT/init" || { echo "FAIL: no legitimate setup"; fail=1; }
grep -q 'setups_failed 0 ' "$OUT/init" || { echo "FAIL: a legitimate setup failed"; fail=1; }
grep -q 'cookies_accepted [1-9]' "$OUT/resp" || { echo "FAIL: the flood echoed no COOKIE"; fail=1; }

echo "== 1b: the same from $COUNT /64s of 2001:db8:f::/48 (the global cap, 5000, binds)"
responder $((SECS + 4))
ip netns exec "$NI" "$BIN" flood 2001:db8:1::1 2001:db8:f:1:: "$COUNT" "$RATE" "$SECS" spread \
	>"$OUT/flood" 2>&1 &
FPID=$!
# the responder runs out of CPU here: some legitimate setups may time out
# (shown, not failed); at least one must succeed
ip netns exec "$NI" "$BIN" initiator 2001:db8:1::2 2001:db8:1::1 "$SECS" >"$OUT/init" 2>&1 || true
wait $FPID || { echo "FAIL: flooder exit status"; fail=1; }
wait $RPID || { echo "FAIL: responder exit status"; fail=1; }
cat "$OUT/flood" "$OUT/init" "$OUT/resp" | grep -v '^ready'
start=$(sed -n 's/.*rss_start_kb \([0-9]*\).*/\1/p' "$OUT/resp")
peak=$(sed -n 's/.*rss_peak_kb \([0-9]*\).*/\1/p' "$OUT/resp")
growth=$((peak - start))
echo "RSS growth ${growth} kB (bound ${RSS_CAP_BOUND_KB} kB: 5000 half-open SAs)"
[ "$growth" -le "$RSS_CAP_BOUND_KB" ] || { echo "FAIL: RSS grew past the bound"; fail=1; }
grep -q 'setups_ok [1-9]' "$OUT/init" || { echo "FAIL: no legitimate setup"; fail=1; }

echo "== 2: the legitimate peer's address spoofed, 50/s for ${SECS}s, no COOKIE echoed"
responder $((SECS + 4))
ip netns exec "$NI" "$BIN" spoof 2001:db8:1::1 2001:db8:1::2 50 "$SECS" >"$OUT/flood" 2>&1 &
FPID=$!
ip netns exec "$NI" "$BIN" initiator 2001:db8:1::2 2001:db8:1::1 "$SECS" >"$OUT/init" 2>&1 || { echo "FAIL: initiator exit status"; fail=1; }
wait $FPID || { echo "FAIL: flooder exit status"; fail=1; }
wait $RPID || { echo "FAIL: responder exit status"; fail=1; }
cat "$OUT/flood" "$OUT/init" "$OUT/resp" | grep -v '^ready'
grep -q 'setups_ok [1-9]' "$OUT/init" || { echo "FAIL: the spoofed peer did not connect"; fail=1; }
grep -q 'setups_failed 0 ' "$OUT/init" || { echo "FAIL: a setup of the spoofed peer failed"; fail=1; }

echo "== 3: spoofed on-link sources (replies wait for neighbour discovery), $RATE/s for ${SECS}s"
responder $((SECS + 4))
ip netns exec "$NI" "$BIN" flood 2001:db8:1::1 2001:db8:e:: "$COUNT" "$RATE" "$SECS" \
	>"$OUT/flood" 2>&1 &
FPID=$!
ip netns exec "$NI" "$BIN" initiator 2001:db8:1::2 2001:db8:1::1 "$SECS" >"$OUT/init" 2>&1 || { echo "FAIL: initiator exit status"; fail=1; }
wait $FPID || { echo "FAIL: flooder exit status"; fail=1; }
wait $RPID || { echo "FAIL: responder exit status"; fail=1; }
cat "$OUT/flood" "$OUT/init" "$OUT/resp" | grep -v '^ready'
grep -q 'setups_ok [1-9]' "$OUT/init" || { echo "FAIL: no legitimate setup"; fail=1; }
grep -q 'setups_failed 0 ' "$OUT/init" || { echo "FAIL: a legitimate setup failed"; fail=1; }

[ $fail = 0 ] && echo "flood_netns: PASS" || echo "flood_netns: FAIL"
exit $fail
