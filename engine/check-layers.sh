#!/bin/sh
# check-layers.sh [ROOT] - every quoted #include in the engine, the
# commands and the shell stays inside what its layer may see
# (engine/LAYERS.md).  Prints each violation as FILE:LINE and fails.
set -u
root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
bad=0

# allowed DIR HEADERS...: the headers of other layers files in DIR may
# include; a header of DIR itself is always allowed.
check() {
	dir=$1
	shift
	allowed=" $* "
	[ -d "$root/$dir" ] || return 0
	for f in "$root/$dir"/*.c "$root/$dir"/*.h "$root/$dir"/include/*.h; do
		[ -f "$f" ] || continue
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
			sed 's/^\([0-9]*\):.*"\(.*\)".*/\1 \2/' >"$tmp"
		while read -r line hdr; do
			case "$hdr" in
			*/* | *..*)
				echo "${f#$root/}:$line: #include \"$hdr\": a path across folders (include a face header by its name)"
				bad=1
				continue
				;;
			esac
			[ -f "$root/$dir/$hdr" ] && continue
			[ -f "$root/$dir/include/$hdr" ] && continue
			case "$allowed" in
			*" $hdr "*) continue ;;
			esac
			echo "${f#$root/}:$line: #include \"$hdr\": $dir may not include it (engine/LAYERS.md)"
			bad=1
		done <"$tmp"
	done
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
LOW="crypto.h xform.h prf.h dh.h sk.h random.h ike_proto.h ike_wire.h ike_msg.h ikev2.h ike_sa.h kernel.h ike_sock.h fw.h"
check engine/model engine.h eng_test.h
check engine/pki engine.h model.h
check engine/ops engine.h model.h
check engine/runtime engine.h model.h pki.h $LOW
check engine/fw engine.h model.h
check engine/config engine.h eng_test.h model.h eng_ops.h runtime.h siv.h random.h pki.h
check engine/ctl engine.h model.h eng_ops.h
check engine engine.h eng_ops.h eng_test.h
check commands engine.h
check completions engine.h commands.h cmd_int.h
check shell engine.h commands.h
exit $bad
