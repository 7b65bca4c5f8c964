#!/usr/bin/env bash
# Installs, from Debian 12's packages, everything Vigil needs to build, run and test.
# Run as root. Skips apt entirely when everything is already installed.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config ccache git
  libboost-dev libboost-filesystem-dev libpugixml-dev libxml2-dev
  libnl-3-dev libnl-route-3-dev libssl-dev
  libgtest-dev libgmock-dev
  resource-agents fence-agents openipmi ipmitool iproute2 procps
  mariadb-server mariadb-client libmariadb-dev
  pacemaker-cli-utils crmsh libedit-dev nlohmann-json3-dev libxml2-utils
  libsystemd-dev systemd ronn lintian debootstrap fakeroot libcli11-dev
  corosync
  clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages (${missing[*]}); run this script as root to install them" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
