#!/usr/bin/env bash
# The Debian packages the tests run on, installed only when missing so that a
# repeat run costs one dpkg-query per package. Says in one line what is
# missing when it cannot install it.
set -euo pipefail
packages=(
  # The engine and the base image the test images start from; tini is Docker's
  # --init (docker-init), which docker.io only recommends.
  docker.io tini mmdebstrap
  # The other engines operators run: Podman, rootful and rootless (uidmap's
  # newuidmap and newgidmap map a user's subordinate ids); containerd's ctr
  # comes with docker.io.
  podman uidmap
  # s6: the real s6-setuidgid; gosu: a second helper; python3-venv: the
  # stand-in CLI's venv on the host side of the release tests.
  s6 gosu python3 python3-venv
  # bindfs: a FUSE volume whose filesystem refuses chown even to root (--chown-deny).
  bindfs
  # gcc: the exec-state probe and the benchmark's programs; binutils: readelf.
  gcc libc6-dev binutils shellcheck util-linux passwd coreutils procps
  # The arm64 release artifact runs under qemu user-mode emulation.
  qemu-user-static libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64
  # The release: gpg signs SHA256SUMS (gpgv checks it); podman, above, loads the image
  # archive; lintian checks the packages.
  gpg gpgv lintian
)
missing=()
for p in "${packages[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

fail() {
  echo "test platform: missing Debian packages: ${missing[*]} ($1)" >&2
  exit 1
}
[ "$(id -u)" = 0 ] || fail "not root: run npm test as root, or apt-get install them"
command -v apt-get >/dev/null || fail "no apt-get: the tests need Debian 12"
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
case " ${missing[*]}" in *:arm64*) dpkg --add-architecture arm64 ;; esac
apt-get update -qq >"$log" 2>&1 || fail "apt-get update failed, see $log"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1 || fail "apt-get install failed, see $log"
rm -f "$log"
echo "test platform: installed ${missing[*]}"
