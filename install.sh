#!/usr/bin/env bash
# Builds the exec shim and installs it once, with a relative symlink for every other command name. See docs/install.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: ./install.sh [--prefix DIR] [--admin-link] [--link-dir DIR] [build settings]

Builds the shim (installing the locked npm dependencies first if needed) and installs it
as DIR/CMD for its first command (mode 0755), and a relative symlink
DIR/CMD2 -> CMD for each other command, replacing earlier ones atomically.
With the defaults: DIR/hermes, DIR/hermes-agent -> hermes, DIR/hermes-acp -> hermes.

  --prefix DIR          where to install (default /opt/NAME/bin); a relative
                        DIR is taken from the directory you run this in
  --admin-link          also create the symlink DIR/NAME-exec-shim -> CMD,
                        the name under which the binary is the admin CLI
                        (NAME-exec-shim explain, NAME-exec-shim doctor)
  --link-dir DIR        also link every command there to the installed one
                        (absolute symlinks): /usr/local/bin, which login
                        shells keep on PATH (Debian's /etc/profile sets
                        root's PATH without DIR of --prefix)
  --name NAME           product name (default hermes)
  --command CMD[=PATH]  a command to guard, and its real CLI (default PATH
                        /opt/NAME/.venv/bin/CMD); repeat for each; any
                        --command replaces the default list NAME,
                        NAME-agent, NAME-acp
  --user USER           runtime user to drop to (default NAME)
  --helper PATH         privilege-drop helper (default /command/s6-setuidgid)
  --groups-helper PATH  s6-applyuidgid, used instead when the drop adds the
                        groups the container runtime granted (default
                        /command/s6-applyuidgid)
  --home PATH           HOME on the drop path (default /opt/data)
  --opt-out-var VAR     opt-out variable (default NAME_DOCKER_EXEC_AS_ROOT)
  --umask MODE          umask on the drop path (default 002)
  --scan-dir PATH       s6's scan directory, which doctor checks when it
                        exists (default /run/service)
  --boot-env VAR[:program]
                        a variable every caller that lacks it gets from
                        /run/s6/container_environment (with :program, only
                        a value naming an executable file); repeat for each;
                        any --boot-env replaces the default
                        AGENT_BROWSER_EXECUTABLE_PATH:program
  -h, --help            show this help

Exit status: 0 installed, 1 the build or the copy failed, 2 a usage error
(nothing was built).
USAGE
}

die() {
  echo "install.sh: $1" >&2
  exit "${2:-1}"
}

usage_error() {
  die "$* (see --help)" 2
}

name=hermes
prefix=
link_dir=
admin_link=
build=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --admin-link) admin_link=1; shift; continue ;;
  esac
  opt=${1%%=*}
  case "$opt" in
    --prefix | --link-dir | --name | --command | --user | --helper | --groups-helper | --home | --opt-out-var | --umask | --scan-dir | --boot-env) ;;
    --target) usage_error "--target is gone: use --command NAME=PATH, one for each command" ;;
    *) usage_error "unknown option $1" ;;
  esac
  if [ "$opt" != "$1" ]; then
    value=${1#*=}
    shift
  else
    [ $# -ge 2 ] || usage_error "$opt needs a value"
    value=$2
    shift 2
  fi
  # A missing value must not swallow the next option, nor an empty one fall back to a default.
  [ -n "$value" ] || usage_error "$opt needs a value, not an empty one"
  case "$value" in -*) usage_error "$opt needs a value, not the option $value" ;; esac
  case "$opt" in
    --prefix) prefix=$value ;;
    --link-dir) link_dir=$value ;;
    --name) name=$value; build+=("--name=$value") ;;
    *) build+=("$opt=$value") ;;
  esac
done
case "$prefix" in
  "" | /*) ;;
  *) prefix=$PWD/$prefix ;;
esac
case "$link_dir" in
  "" | /*) ;;
  *) link_dir=$PWD/$link_dir ;;
esac

cd "$(dirname "$0")"
command -v node >/dev/null || die "Node.js is required (with npm) to build the shim"
command -v npm >/dev/null || die "npm is required to build the shim"
if [ ! -x node_modules/.bin/bun ]; then
  # npm ci: exactly the committed lockfile, which it never rewrites, so the clone stays clean.
  npm ci --no-audit --no-fund >&2 || die "npm ci failed"
fi
# The build's own checks, before anything is built: one rule for install.sh and the build. It prints the
# command names, one a line (validated: nothing a shell could misread).
names=$(node_modules/.bin/bun scripts/build.ts --check "${build[@]}") || exit 2
read -r -d '' -a commands <<<"$names" || true
[ ${#commands[@]} -gt 0 ] || die "the build named no command"
first=${commands[0]}
prefix=${prefix:-/opt/$name/bin}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node_modules/.bin/bun scripts/build.ts "${build[@]}" --outfile "$work/$first" >&2 || die "build failed"

# Relative symlinks, so they keep working wherever the directory is copied or mounted, and a Dockerfile's
# COPY keeps them as links (a hard link would become one more 100 MB copy). See docs/install.md.
link() {
  ln -sf "$first" "$prefix/.$1.new"
  mv -f "$prefix/.$1.new" "$prefix/$1"
  echo "linked $prefix/$1 -> $first"
}

# Root runs what lands here: never a directory or file anyone else can write (whatever the caller's umask),
# never a setuid or setgid bit (SECURITY.md).
umask 022
mkdir -p "$prefix"
install -m 0755 "$work/$first" "$prefix/.$first.new"
mv -f "$prefix/.$first.new" "$prefix/$first"
echo "installed $prefix/$first"
for command in "${commands[@]:1}"; do link "$command"; done
if [ -n "$admin_link" ]; then link "$name-exec-shim"; fi
# A login shell's PATH (su -, an SSH login) lacks the prefix: the same commands where it looks (contract §16).
# Absolute, since the directory is another; replaced atomically, like the rest.
if [ -n "$link_dir" ]; then
  mkdir -p "$link_dir"
  for command in "${commands[@]}"; do
    ln -sf "$prefix/$command" "$link_dir/.$command.new"
    mv -f "$link_dir/.$command.new" "$link_dir/$command"
    echo "linked $link_dir/$command -> $prefix/$command"
  done
fi
