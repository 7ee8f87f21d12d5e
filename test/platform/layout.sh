#!/bin/sh
# Runs inside the image build: the runtime user, its home, the CLI the shim
# wraps (one console script per command), a link to the shim for every other
# command, the helper and the entrypoint.
# Usage: layout.sh NAME standin|probe s6|overlay|gosu|none "COMMAND..."
set -eu
name=$1 cli=$2 helper=$3 commands=$4
here=$(dirname "$0")
venv=/opt/$name/.venv

groupadd -g 10000 "$name"
useradd -u 10000 -g 10000 -d /opt/data -M -s /usr/sbin/nologin "$name"
mkdir -p /opt/data
chown "$name:$name" /opt/data

# As install.sh does: the shim once, a relative symlink for every other command, and with --link-dir
# /usr/local/bin an absolute one there for each, which a login shell's PATH keeps (contract §16).
for command in $commands; do
  [ "$command" = "$name" ] || ln -s "$name" "/opt/$name/bin/$command"
  ln -s "/opt/$name/bin/$command" "/usr/local/bin/$command"
done

case $cli in
  probe) for command in $commands; do install -D -m 0755 "$here/execstate" "$venv/bin/$command"; done ;;
  standin)
    python3 -m venv --without-pip "$venv"
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    cp -r "$here/hermes_standin" "$site/"
    # Every command's console script exactly as pip writes one; all run the stand-in, which says which ran.
    for command in $commands; do
      target=$venv/bin/$command
      cat >"$target" <<PY
#!$venv/bin/python
# -*- coding: utf-8 -*-
import re
import sys
from hermes_standin.cli import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\.pyw|\.exe)?$', '', sys.argv[0])
    sys.exit(main())
PY
      chmod 0755 "$target"
    done
    # Root's, as README's recommended image keeps it: a venv the runtime user owns, on PATH, lets it plant
    # commands that root runs (doctor says so; test/integration/field-shapes.test.ts gives it to hermes).
    ;;
  *) echo "layout.sh: unknown CLI $cli" >&2; exit 2 ;;
esac

case $helper in
  # s6-overlay's path, filled with Debian's build of the same program.
  s6)
    install -D -o root -g root -m 0755 /usr/bin/s6-setuidgid /command/s6-setuidgid
    # What the drop runs instead when it adds the groups the container runtime granted (contract §11).
    install -D -o root -g root -m 0755 /usr/bin/s6-applyuidgid /command/s6-applyuidgid
    ;;
  # The s6-overlay tarballs, extracted before this runs, brought /command.
  overlay) ;;
  # Debian's gosu is already at /usr/sbin/gosu in the base image.
  gosu | none) ;;
  *) echo "layout.sh: unknown helper $helper" >&2; exit 2 ;;
esac

sed "s/@NAME@/$name/" "$here/entrypoint.sh" >/usr/local/bin/entrypoint
chmod 0755 /usr/local/bin/entrypoint
