#!/usr/bin/env bash
# Proves that the README's quick start works on a fresh machine: a clean Debian 12 (bookworm) root
# filesystem made by debootstrap, with nothing in it but Debian's minimal base and this host's
# Node.js (node, npm, npx, corepack): no pnpm, Tomcat, JDK or chromium, which it checks. It clones
# the committed HEAD of this checkout into /root/tomcat-pd there, then runs each command of the
# README's "Quick start" block exactly as written, as root inside chroot with a clean environment,
# and says how long each took. Exit 0 only if every command succeeded.
#
#   sudo scripts/fresh-machine.sh [ROOTFS]     ROOTFS: default /var/tmp/tomcat-pd-fresh-machine,
#                                              made again on every run; never inside the checkout
#   FRESH_ONLY_FIRST=1 scripts/fresh-machine.sh   the first command only (the demo; minutes, not ~15)
#
# Needs root, network to Debian's mirror (FRESH_MIRROR, default http://deb.debian.org/debian) and
# to the npm registry. It shares the host's network, and unmounts what it mounted when it ends.
set -euo pipefail

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
rootfs=$(realpath -m "${1:-/var/tmp/tomcat-pd-fresh-machine}")
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
# Marks a folder as this script's, so that a mistyped ROOTFS is never removed.
marker=.tomcat-pd-fresh-machine

if [[ $(id -u) != 0 ]]; then
  echo "fresh-machine.sh needs root (debootstrap, mount, chroot): sudo $0 $*" >&2
  exit 2
fi
if [[ $rootfs == "$repo" || $rootfs == "$repo"/* ]]; then
  echo "ROOTFS must be outside the checkout ($repo): $rootfs" >&2
  exit 2
fi
if [[ -e $rootfs && ! -e $rootfs/$marker ]]; then
  echo "$rootfs exists and was not made by this script: choose another ROOTFS or remove it" >&2
  exit 2
fi
# A run killed before its clean-up leaves its mounts (the host's /dev among them): never remove those.
if grep -q " $rootfs/" /proc/self/mounts; then
  echo "something is still mounted under $rootfs: umount it first (grep ' $rootfs/' /proc/self/mounts)" >&2
  exit 2
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "--- installing Debian's debootstrap on the host"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

mounted=()
cleanup() {
  # Whatever still runs inside the root filesystem was started by this run (a JVM, a browser).
  for proc in /proc/[0-9]*; do
    if [[ $(readlink "$proc/root" 2>/dev/null) == "$rootfs" ]]; then kill -KILL "${proc#/proc/}" 2>/dev/null || true; fi
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}"
  done
}
trap cleanup EXIT

echo "--- a clean Debian 12 in $rootfs"
rm -rf --one-file-system "$rootfs"
mkdir -p "$rootfs"
touch "$rootfs/$marker"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.debootstrap.log" 2>&1 ||
  { tail -20 "$rootfs.debootstrap.log" >&2; exit 1; }
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
# debootstrap writes no /etc/hosts; Debian's installer writes this one.
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$(hostname)" >"$rootfs/etc/hosts"

# Node.js as its installer lays it out: the binary, and npm and corepack beside it (but none of
# the packages installed globally on this host since, such as pnpm).
node_bin=$(readlink -f "$(command -v node)")
prefix=$(dirname "$(dirname "$node_bin")")
mkdir -p "$rootfs$prefix/bin" "$rootfs$prefix/lib/node_modules"
cp -a "$node_bin" "$rootfs$prefix/bin/node"
for pkg in npm corepack; do cp -a "$prefix/lib/node_modules/$pkg" "$rootfs$prefix/lib/node_modules/"; done
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs$prefix/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs$prefix/bin/npx"
ln -s ../lib/node_modules/corepack/dist/corepack.js "$rootfs$prefix/bin/corepack"

# On a machine, / is a mount point; a chroot's folder is not, unless bound onto itself. Without it,
# `unshare --mount` (which makes / private in the new namespace) fails with "cannot change root
# filesystem propagation" where a real machine lets it run (the SSH tests hide folders that way).
mount --bind "$rootfs" "$rootfs"
mounted+=("$rootfs")
for dir in proc sys dev dev/pts dev/shm; do
  case $dir in
    proc) mount -t proc proc "$rootfs/proc" ;;
    sys) mount -t sysfs sysfs "$rootfs/sys" ;;
    dev/shm) mount -t tmpfs tmpfs "$rootfs/dev/shm" ;;
    *) mount --bind "/$dir" "$rootfs/$dir" ;;
  esac
  mounted+=("$rootfs/$dir")
done

# Where this host's Node trusts more CAs (a TLS proxy before the npm registry, as on the machines
# this was written on), the fresh machine trusts them too: that is the network, not the machine.
ca_env=()
if [[ -n ${NODE_EXTRA_CA_CERTS:-} ]]; then
  cp "$NODE_EXTRA_CA_CERTS" "$rootfs/etc/node-extra-ca-certs.pem"
  ca_env=(NODE_EXTRA_CA_CERTS=/etc/node-extra-ca-certs.pem)
fi

# What a person gets on a fresh machine: root's login shell, no variables of this host's session
# (but the CAs above).
in_fresh() {
  chroot "$rootfs" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 "${ca_env[@]}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -lc "$1"
}

echo "--- what the fresh machine has"
# shellcheck disable=SC2016 # expanded by the shell inside the chroot
in_fresh 'echo "node $(node --version), npm $(npm --version)"'
# shellcheck disable=SC2016
in_fresh 'for cmd in pnpm javac java chromium; do ! command -v $cmd >/dev/null || { echo "$cmd is there" >&2; exit 1; }; done
  [[ ! -e /usr/share/tomcat10 && ! -e /usr/share/java/tomcat9-catalina.jar ]] || { echo "a Tomcat is there" >&2; exit 1; }
  echo "no pnpm, Tomcat, JDK or chromium"'

commit=$(git -C "$repo" rev-parse HEAD)
git clone --quiet "$repo" "$rootfs/root/tomcat-pd"
git -C "$rootfs/root/tomcat-pd" checkout --quiet --detach "$commit"
echo "--- $(git -C "$repo" log -1 --format='%h %s' "$commit")"

# The commands of the committed README's first sh block under "## Quick start", each line as
# written, with its trailing comment taken off.
mapfile -t commands < <(awk '/^## Quick start/ { on = 1; next } on && /^## / { exit }
  on && /^```sh/ { block = 1; next } block && /^```/ { exit } block' "$rootfs/root/tomcat-pd/README.md" |
  sed -E 's/[[:space:]]+#.*$//' | grep -v '^[[:space:]]*$')
if ((${#commands[@]} == 0)); then
  echo "no commands found in the README's Quick start" >&2
  exit 1
fi
[[ ${FRESH_ONLY_FIRST:-} == 1 ]] && commands=("${commands[0]}")

for cmd in "${commands[@]}"; do
  echo "--- \$ $cmd"
  started=$(date +%s)
  status=0
  in_fresh "cd /root/tomcat-pd && $cmd" || status=$?
  echo "--- exit $status after $(($(date +%s) - started)) s: $cmd"
  if ((status != 0)); then exit "$status"; fi
done
echo "--- the README's quick start passed on a fresh Debian 12"
