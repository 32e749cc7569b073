#!/bin/sh
# Lists every tracked C source and header that clang-format, with the
# repository's .clang-format, would change; fails if there is one.
# Nothing is rewritten (`clang-format -i FILE` fixes a listed file).
#   .ci/check-format.sh [-v]    -v: clang-format's diagnostics as well
set -eu
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
verbose=0
[ "${1:-}" = "-v" ] && verbose=1
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
	echo "check-format: $CLANG_FORMAT not found (Debian package clang-format, see .ci/deps.sh)" >&2
	exit 2
fi
if [ ! -f .clang-format ]; then
	echo "check-format: no .clang-format at the top of the tree" >&2
	exit 2
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# NUL-separated, so that any file name comes through whole
total=$(git ls-files -z -- '*.c' '*.h' | tr -cd '\000' | wc -c)
# the deviating files on stdout (kept in $out), diagnostics on stderr with -v
git ls-files -z -- '*.c' '*.h' |
	CF="$CLANG_FORMAT" V="$verbose" xargs -0 -r sh -c '
		for f; do
			if ! msg=$("$CF" --style=file --dry-run --Werror "$f" 2>&1); then
				printf "%s\n" "$f"
				[ "$V" -eq 0 ] || printf "%s\n" "$msg" >&2
			fi
		done' check-format >"$out"
bad=$(wc -l <"$out")
cat "$out"
if [ "$bad" -ne 0 ]; then
	echo "check-format: $bad of $total tracked .c/.h files deviate from .clang-format" >&2
	exit 1
fi
echo "check-format: all $total tracked .c/.h files follow .clang-format"
