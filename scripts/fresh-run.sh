#!/usr/bin/env bash
# A newcomer's first run, timed: clones this repository's HEAD into a fresh folder only root can enter (a
# space in its path, reached through a symlink), runs README's two commands there (./install.sh, npm test),
# and prints the wall time
# of each phase: packages, typecheck, lint, build, the test platform's own phases, each test file.
# --cpu-hogs N runs N busy CPU workers (Debian's stress-ng) beside it. See docs/testing.md.
set -euo pipefail
hogs=0
case "${1:-}" in
  --cpu-hogs) hogs=${2:?--cpu-hogs needs a number}; shift 2 ;;
  "") ;;
  *) echo "usage: scripts/fresh-run.sh [--cpu-hogs N]" >&2; exit 2 ;;
esac
repo=$(cd "$(dirname "$0")/.." && pwd)
top=$(mktemp -d)
log=$(mktemp)
hog=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  [ -z "$hog" ] || kill "$hog" 2>/dev/null || true
  rm -rf "$top"
}
trap cleanup EXIT
clone="$top/fresh clone"
git clone --quiet "$repo" "$clone"
ln -s "fresh clone" "$top/via link"
echo "fresh-run: $(git -C "$clone" log -1 --format='%h %s' | cut -c1-72) in $clone (mode $(stat -c %a "$top"))"
if [ "$hogs" -gt 0 ]; then
  command -v stress-ng >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null
  stress-ng --cpu "$hogs" --quiet &
  hog=$!
fi

cd "$top/via link"
# Each line of output stamped with the seconds since the start, so that phases can be told apart after.
start=$(date +%s.%N)
# Colours stripped: the phases are found by their text.
stamp() {
  sed -u 's/\x1b\[[0-9;]*m//g' | while IFS= read -r line; do
    printf '%.1f %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$line"
  done
}
set +e
{ ./install.sh && npm test -- --reporter=default --reporter=json --outputFile.json="$top/vitest.json"; } 2>&1 | stamp | tee "$log"
status=${PIPESTATUS[0]}
set -e
at() { grep -m1 -E -- "$1" "$log" | cut -d' ' -f1; }
end=$(tail -n1 "$log" | cut -d' ' -f1)

echo
echo "fresh-run: exit $status, ${end} s in all"
# The ends of the phases: npm's banner of the test script, then of typecheck, then vitest's RUN line.
tested=$(at '^[0-9.]+ > hermes-exec-shim@[^ ]+ test$')
typechecked=$(at '^[0-9.]+ > hermes-exec-shim@[^ ]+ typecheck$')
ran=$(at '^[0-9.]+ +RUN +v')
printf '  %-28s %s s\n' "./install.sh (npm ci, build)" "$tested" \
  "packages (packages.sh)" "$(echo "$typechecked - $tested" | bc)" \
  "typecheck, lint, build" "$(echo "$ran - $typechecked" | bc)" \
  "vitest" "$(echo "$end - $ran" | bc)"
grep -F 'test platform: ' "$log" | cut -d' ' -f2- | sed 's/^/  /'
if [ -s "$top/vitest.json" ]; then
  echo "  test files, by wall time (they run side by side):"
  # shellcheck disable=SC2016 # JavaScript, not the shell's
  node -e '
    const r = require(process.argv[1]);
    for (const f of r.testResults.sort((a, b) => (b.endTime - b.startTime) - (a.endTime - a.startTime)))
      console.log(`    ${((f.endTime - f.startTime) / 1000).toFixed(1).padStart(7)} s  ${f.name.slice(process.argv[2].length + 1)}`);
  ' "$top/vitest.json" "$clone"
fi
rm -f "$log"
exit "$status"
