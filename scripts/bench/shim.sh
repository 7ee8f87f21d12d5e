#!/bin/sh
# The shim's decision (contract §2) as the POSIX shell script an image could
# carry instead, for the benchmark. It does not walk the helper's path for
# trust (contract §4): that would cost it more forks still.
cli=/opt/hermes/.venv/bin/hermes
helper=/command/s6-setuidgid
if [ ! -x "$cli" ]; then
  echo "hermes: cannot run the hermes CLI at $cli" >&2
  exit 127
fi
[ "$(id -u)" = 0 ] || exec "$cli" "$@"
case ${HERMES_DOCKER_EXEC_AS_ROOT-} in
  1 | [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss]) exec "$cli" "$@" ;;
esac
if [ ! -x "$helper" ]; then
  echo "hermes: $helper is missing; refusing to run hermes as root." >&2
  echo "hermes: run it as hermes (docker exec --user hermes …) or set HERMES_DOCKER_EXEC_AS_ROOT=1." >&2
  exit 126
fi
umask 002
HOME=/opt/data exec "$helper" hermes "$cli" "$@"
