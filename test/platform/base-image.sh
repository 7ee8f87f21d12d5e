#!/usr/bin/env bash
# Prints the tag of a local Debian 12 image, building it first if this engine
# has none yet: `base` for the test images, `node` (base plus Debian's nodejs
# and npm) for the README's build stage. There is no Docker registry here, so
# mmdebstrap builds the root filesystem and `docker import` loads it. The tag
# names the package list, so a changed list builds a new image; an existing
# one is reused by every later run. A lock keeps concurrent runs from building
# the same image twice.
set -euo pipefail
kind=${1:?usage: base-image.sh base|node}
# mount: the doctor tests mount inside the container; libc6:arm64 and friends:
# the arm64 release artifact runs there under qemu; sudo: the bench's use_pty relay
# beside the shim's (contract §12); strace: the drop's programs, exec by exec (contract §11).
include=python3,python3-venv,s6,gosu,passwd,mount,procps,sudo,strace,libc6:arm64,libstdc++6:arm64,libgcc-s1:arm64
case $kind in
  base) ;;
  node) include=$include,nodejs,npm ;;
  *) echo "base-image.sh: unknown kind $kind" >&2; exit 2 ;;
esac
tag=hermes-exec-shim-$kind:bookworm-$(printf %s "$include" | sha256sum | cut -c1-12)

lockdir=/run/lock
[ -d "$lockdir" ] || lockdir=${TMPDIR:-/tmp}
exec 9>"$lockdir/hermes-exec-shim-images.lock"
flock 9
if ! docker image inspect "$tag" >/dev/null 2>&1; then
  # The host's own apt sources (its mirror, snapshot pin and security suite);
  # with none given, mmdebstrap would read sources from stdin.
  sources=http://deb.debian.org/debian
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [ -s "$f" ]; then sources=$f; break; fi
  done
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  if ! mmdebstrap --variant=minbase --architectures=amd64,arm64 --include="$include" \
    bookworm "$work/rootfs.tar" "$sources" </dev/null >"$work/log" 2>&1; then
    echo "test platform: mmdebstrap could not build $tag: $(grep -m1 -E '^E:' "$work/log" || tail -n1 "$work/log")" >&2
    exit 1
  fi
  docker import --change 'CMD ["/bin/bash"]' "$work/rootfs.tar" "$tag" >/dev/null
fi
echo "$tag"
