#!/bin/sh
# The Debian package: built with cpack and its contents checked on any
# machine; installed with apt-get, run, and removed again only where
# CI=true (a fresh machine: it installs into /usr and adds groups).
set -eu
cd "$(dirname "$0")/.."
dir=build-deb
jobs=$(nproc)
cmake -S . -B "$dir" -DIKESH_WERROR=ON -DCMAKE_INSTALL_PREFIX=/usr \
	-DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/dev/null
cmake --build "$dir" -j"$jobs" --target ikesh ikeshd >/dev/null
rm -f "$dir"/ikesh_*.deb
(cd "$dir" && cpack -G DEB >/dev/null)
deb=$(ls "$dir"/ikesh_*.deb)
list=$(dpkg-deb -c "$deb")
for f in ./usr/sbin/ikesh ./usr/sbin/ikeshd ./usr/lib/systemd/system/ikeshd.service \
	./usr/lib/sysusers.d/ikesh.conf ./usr/share/man/man1/ikesh.1 ./usr/share/man/man8/ikeshd.8 \
	./usr/share/bash-completion/completions/ikesh; do
	echo "$list" | grep -q " $f\$" || {
		echo "$deb lacks $f" >&2
		exit 1
	}
done
dpkg-deb -I "$deb" postinst >/dev/null
echo "built $deb"
[ "${CI:-}" = true ] || exit 0

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
out=$(IKESH_NO_IKE=1 ikesh -c 'show version')
echo "$out"
echo "$out" | grep -q '^ikesh version ' || {
	echo "the installed ikesh does not run" >&2
	exit 1
}
getent group ikesh-admin >/dev/null || {
	echo "the package made no ikesh-admin group" >&2
	exit 1
}
grep -q '^ExecStart=/usr/sbin/ikeshd$' /usr/lib/systemd/system/ikeshd.service
test -f /usr/share/man/man1/ikesh.1
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq ikesh >/dev/null
! test -e /usr/sbin/ikesh
