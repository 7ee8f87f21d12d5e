#!/bin/sh
# The test image's ENTRYPOINT, routing `docker run IMAGE [ARGS…]` the way the
# upstream image's main-wrapper does: as root, first become the runtime user
# through s6-setuidgid (HOME /opt/data, as the shim's drop gives); then no arguments run the CLI, a first argument that
# is a program on PATH runs that program, and anything else is the CLI's
# arguments. An image without the helper stays root here, and the shim then
# refuses rather than run the CLI as root.
set -eu
name=@NAME@
if [ "$(id -u)" = 0 ] && [ -x /command/s6-setuidgid ]; then
  # s6-setuidgid leaves HOME alone; the runtime user's is its data directory.
  HOME=/opt/data exec /command/s6-setuidgid "$name" "$0" "$@"
fi
[ $# -gt 0 ] || exec "$name"
case $(command -v -- "$1" || true) in
  /*) exec "$@" ;;
esac
exec "$name" "$@"
