#!/bin/sh
# check-wipes.sh [DIR...] - refuse a memset() (or bzero()) of a buffer that
# is freed within the next few lines: a store the program never reads
# again is dead, and GCC removes it at -O2, so the "wiped" secret stays in
# the freed memory.  Wipe with eng_wipe() / eng_secret_free() instead.
#
# Looks at the .c and .h files under each DIR (default: engine commands
# shell of this tree).  Exit 0: none found; 1: found (each printed as
# FILE:LINE); 2: no file to look at.
set -eu

window=3 # lines from the memset to the free
if [ $# -eq 0 ]; then
	root=$(dirname "$0")/..
	set -- "$root/engine" "$root/commands" "$root/shell"
fi
for d in "$@"; do
	if [ ! -d "$d" ]; then
		echo "check-wipes: $d: not a directory" >&2
		exit 2
	fi
done
files=$(find "$@" -type f \( -name '*.c' -o -name '*.h' \) | sort)
if [ -z "$files" ]; then
	echo "check-wipes: no .c or .h file under $*" >&2
	exit 2
fi

# shellcheck disable=SC2086 # the file names are words on purpose
awk -v window="$window" '
# The first argument of a call whose text starts after its "(", blanks
# removed: "c->out.s", "*s", "buf".
function first_arg(s,    i, c, depth, out) {
	depth = 0
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "(" || c == "[")
			depth++
		else if (c == ")" || c == "]") {
			if (depth == 0)
				break
			depth--
		} else if (c == "," && depth == 0)
			break
		if (c != " " && c != "\t")
			out = out c
	}
	return out
}
# The line without comments and string literals.
function code(s,    i) {
	if (in_comment) {
		i = index(s, "*/")
		if (!i)
			return ""
		s = substr(s, i + 2)
		in_comment = 0
	}
	gsub(/"([^"\\]|\\.)*"/, "\"\"", s)
	gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", s)
	sub(/\/\/.*/, "", s)
	i = index(s, "/*")
	if (i) {
		s = substr(s, 1, i - 1)
		in_comment = 1
	}
	return s
}
FNR == 1 {
	split("", wiped)
	in_comment = 0
}
{
	s = code($0)
	while (match(s, /(^|[^A-Za-z0-9_])(memset|bzero|free)[ \t]*\(/)) {
		call = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		p = first_arg(s)
		if (p == "")
			continue
		if (call ~ /free/) {
			if ((p in wiped) && FNR - wiped[p] <= window) {
				printf "%s:%d: memset(%s, ...) before free(%s) at line %d is removed by the compiler: use eng_wipe() or eng_secret_free()\n", FILENAME, wiped[p], p, p, FNR
				found = 1
			}
			delete wiped[p]
		} else {
			wiped[p] = FNR
		}
	}
}
END {
	exit found ? 1 : 0
}
' $files
