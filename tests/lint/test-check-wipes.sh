#!/bin/sh
# test-check-wipes.sh CHECKER DIR - the checker finds each planted
# memset-before-free in DIR/bad (and only those), passes DIR/good, and
# fails on a directory that is not there.
set -u
checker=$1
dir=$2
fail=0

out=$(sh "$checker" "$dir/bad")
rc=$?
if [ "$rc" -ne 1 ]; then
	echo "bad: exit $rc, expected 1"
	fail=1
fi
found=$(printf '%s\n' "$out" | sed -n 's/^.*planted\.c:\([0-9]*\): memset(\([^,]*\), \.\.\.) before free.*$/\1 \2/p' | tr '\n' ';')
want='12 psk;18 key;24 b->s;31 *s;37 pw;'
if [ "$found" != "$want" ]; then
	echo "bad: found '$found', expected '$want'"
	printf '%s\n' "$out"
	fail=1
fi

out=$(sh "$checker" "$dir/good")
rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
	echo "good: exit $rc, expected 0 and no output:"
	printf '%s\n' "$out"
	fail=1
fi

sh "$checker" "$dir/not-there" 2>/dev/null
rc=$?
if [ "$rc" -ne 2 ]; then
	echo "missing directory: exit $rc, expected 2"
	fail=1
fi
[ "$fail" -eq 0 ] && echo "check-wipes: 5 planted patterns found, clean sample passed"
exit "$fail"
