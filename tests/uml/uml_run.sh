#!/bin/sh
# SPDX-License-Identifier: ISC
#
# uml_run.sh NAME SCRIPT - runs one scenario script inside user-mode Linux.
#
# Boots Debian's UML kernel with the host filesystem as root (hostfs), loads
# the IPsec modules, runs SCRIPT with /bin/sh as the only thing the kernel
# does, and reads the script's exit status back from a file in a private
# work directory. Passes only if that file says 0. A kernel that does not
# boot, a script that hangs past the time limit, or any non-zero status
# fails. The work directory and every process of the run are removed.
#
# Environment (set by ikesh_uml_test() in tests/uml/CMakeLists.txt):
#   IKESH_UML_LAUNCH   uml_launch, which starts the kernel (see uml_launch.c)
#   IKESH_UML_WORK     where the work directory is made (the build tree)
#   IKESH_UML_TIMEOUT  seconds for the whole run
#   IKESH_UML_KERNEL   the kernel (default /usr/bin/linux.uml)
#   IKESH_UML_MEM      UML memory (default 384M)
#   anything else IKESH_* and SCENARIO_* is passed to the script.
set -u
name=$1
script=$2
kernel=${IKESH_UML_KERNEL:-/usr/bin/linux.uml}
launch=${IKESH_UML_LAUNCH:-}
parent=${IKESH_UML_WORK:-${TMPDIR:-/tmp}}
limit=${IKESH_UML_TIMEOUT:-90}
mem=${IKESH_UML_MEM:-384M}

fail() {
	echo "uml[$name]: FAIL: $*" >&2
	exit 1
}

[ -x "$kernel" ] || fail "no UML kernel at $kernel (install user-mode-linux)"
[ -n "$launch" ] && [ -x "$launch" ] || fail "IKESH_UML_LAUNCH does not name uml_launch"
[ -r "$script" ] || fail "no scenario script $script"
modver=$(ls /usr/lib/uml/modules 2>/dev/null | head -n 1)
[ -n "$modver" ] || fail "no UML modules under /usr/lib/uml/modules"

work=$(mktemp -d "$parent/uml-$name.XXXXXX") || fail "cannot make a work directory in $parent"
work=$(cd "$work" && pwd -P)

# Inside UML, /tmp and /run are private tmpfs mounts over the host's. What
# the run needs from under the host's /tmp (a checkout or build there: the
# work directory, the script, every IKESH_* path) is bound back in at the
# same path; the rest of the host's /tmp stays hidden.  Under /run nothing
# can be kept: refused, naming the problem.
keep=
for p in "$work" "$script" $(env | sed -n 's/^IKESH_[A-Za-z0-9_]*=\(\/[^ ]*\)$/\1/p'); do
	real=$(realpath -m "$p")
	case $real in
	/run/*)
		rm -rf "$work"
		fail "$real is under /run, which is a tmpfs inside UML: build and check out elsewhere"
		;;
	/tmp/?*)
		top=${real#/tmp/}
		top=/tmp/${top%%/*}
		case " $keep " in *" $top "*) ;; *) keep="$keep $top" ;; esac
		;;
	esac
done
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -9 "-$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Glibc's AVX/EVEX string functions are kept out of UML processes: uml_launch
# makes UML save FPU state with PTRACE_GETFPREGS, which covers SSE only.
tunables=glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F,-AVX512BW,-AVX512CD,-AVX512DQ,-AVX512VL,-AVX_Fast_Unaligned_Load,-FMA,-BMI2,-ERMS,-FSRM,-RTM
# OpenSSL's (ikesh's and charon's libcrypto) likewise: with YMM/ZMM state not
# saved, its AVX2 paths compute wrong results now and then (an off-curve
# P-256 key once in a few thousand). OPENSSL_ia32cap clears, in the first
# vector (CPUID.1 EDX:ECX), bit 43 XOP, 44 FMA and 60 AVX; in the second
# (CPUID.7 EBX, then ECX), bit 5 AVX2, 16 AVX512F, 17 AVX512DQ, 21 AVX512IFMA,
# 28 AVX512CD, 30 AVX512BW, 31 AVX512VL, 32+9 VAES and 32+10 VPCLMULQDQ.
# The AES-NI, PCLMULQDQ and SSSE3 paths (XMM registers only) stay.
ia32cap='~0x1000180000000000:~0x00000600d0230020'

# Modules come from the UML package, never from the host's /lib/modules.
mkdir -p "$work/modroot/lib/modules"
ln -s "/usr/lib/uml/modules/$modver" "$work/modroot/lib/modules/$modver"
cat >"$work/modprobe" <<EOF
#!/bin/sh
export GLIBC_TUNABLES='$tunables'
export OPENSSL_ia32cap='$ia32cap'
exec /sbin/modprobe --dirname='$work/modroot' "\$@"
EOF
chmod +x "$work/modprobe"

# What the script may read: the IKESH_* and SCENARIO_* variables.
env | grep -E '^(IKESH|SCENARIO)_[A-Za-z0-9_]*=' | while IFS='=' read -r k v; do
	printf "export %s='%s'\n" "$k" "$v"
done >"$work/env"

# PID 1 inside UML. The root filesystem is the host's: only tmpfs mounts
# and the work directory are written.
cat >"$work/init" <<EOF
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
# every process of the scenario inherits these (see the top of uml_run.sh)
GLIBC_TUNABLES='$tunables'
OPENSSL_ia32cap='$ia32cap'
export GLIBC_TUNABLES OPENSSL_ia32cap
if ! mount -t proc proc /proc || ! mount -t sysfs sysfs /sys ||
   ! mount -t tmpfs tmpfs /run || ! mkdir /run/host-tmp ||
   ! mount --bind /tmp /run/host-tmp || ! mount -t tmpfs tmpfs /tmp; then
	echo "uml: cannot mount the basic filesystems"
	poweroff -f
fi
for top in $keep; do
	name=\${top#/tmp/}
	if [ -d "/run/host-tmp/\$name" ]; then mkdir "\$top"; else : >"\$top"; fi
	if ! mount --bind "/run/host-tmp/\$name" "\$top"; then
		echo "uml: cannot bind \$top from the host's /tmp"
		poweroff -f
	fi
done
umount -l /run/host-tmp && rmdir /run/host-tmp
echo '$work/modprobe' >/proc/sys/kernel/modprobe
# one modprobe for all: each process costs time under UML
'$work/modprobe' -a xfrm_user esp4 esp6 ah4 ah6 xfrm4_tunnel xfrm6_tunnel tunnel4 tunnel6 \\
	veth ip_vti ip6_vti gcm ccm ctr ghash-generic seqiv echainiv cbc ecb hmac cmac xcbc \\
	sha512_generic des_generic chacha_generic poly1305_generic chacha20poly1305 authenc \\
	authencesn || echo "uml: not every module loaded"
ip link set lo up
. '$work/env'
export WORK='$work'
cd '$work'
sh '$script' >'$work/out' 2>&1
echo \$? >'$work/verdict.tmp'
mv '$work/verdict.tmp' '$work/verdict'
sync
poweroff -f
EOF
chmod +x "$work/init"

TMPDIR=$work setsid "$launch" "$kernel" "mem=$mem" rootfstype=hostfs rw "init=$work/init" \
	"uml_dir=$work" umid=uml "GLIBC_TUNABLES=$tunables" con=null con0=fd:0,fd:1 \
	</dev/null >"$work/uml.log" 2>&1 &
pid=$!
deadline=$(($(date +%s) + limit - 5))
while kill -0 "$pid" 2>/dev/null; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "uml[$name]: time limit reached, stopping the kernel" >&2
		break
	fi
	sleep 0.2
done
kill -9 "-$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=

[ -f "$work/out" ] && sed "s/^/uml[$name]: /" "$work/out"
if [ ! -f "$work/verdict" ]; then
	echo "uml[$name]: --- kernel log (last lines) ---" >&2
	grep -v '^ *\[<' "$work/uml.log" | tail -n 25 >&2
	fail "no verdict: the UML kernel did not boot or the scenario did not finish"
fi
verdict=$(cat "$work/verdict")
[ "$verdict" = 0 ] || fail "scenario $script exited with status $verdict"
echo "uml[$name]: PASS"
exit 0
