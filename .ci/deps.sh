#!/bin/sh
# Installs what a fresh Debian 12 machine lacks to build and test ikesh.
set -eu
PKGS="build-essential cmake pkg-config libcli-dev libreadline-dev libncurses-dev libssl-dev libmnl-dev
 libcmocka-dev clang python3 tmux procps user-mode-linux kmod iproute2 iputils-ping
 strongswan-charon strongswan-swanctl libstrongswan-standard-plugins openssh-server groff-base
 clang-format python3-netmiko python3-paramiko ansible libnftables-dev nftables"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
