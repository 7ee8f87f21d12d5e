#!/bin/sh
# Runs inside the overlay image's build, after layout.sh: what upstream's image
# lays on s6-overlay. Two s6-rc longruns in the user bundle (the gateway, and a
# dashboard standing for upstream's other static services), each after the
# cont-init stage (dependencies.d/base) and dropping to hermes with
# s6-setuidgid; and two cont-init scripts like upstream's.
#
# HERMES_TEST_BOOT (docker run -e) picks what the cont-init scripts do:
#   upstream (the default), as upstream's boot does it: 015-supervise-perms
#     makes hermes the owner of each static service's supervise/ and event/
#     (the door of contract §9: root's s6-supervise writes there), and
#     02-reconcile-profiles gives hermes the scan directory and the scanner's
#     control and lock, so that `hermes profile create` registers a gateway;
#   healthy: 015-supervise-perms gives group hermes the control surface as
#     s6-svperms does, and the scanner's control the same way (what doctor
#     --fix gives), and nothing else.
# Either way s6-overlay's own services are left as s6-overlay made them.
set -eu
rc=/etc/s6-overlay/s6-rc.d
for service in gateway dashboard; do
  mkdir -p "$rc/$service/dependencies.d"
  echo longrun >"$rc/$service/type"
  : >"$rc/$service/dependencies.d/base"
  : >"$rc/user/contents.d/$service"
done
printf '#!/command/with-contenv sh\nexec s6-setuidgid hermes hermes gateway run\n' >"$rc/gateway/run"
printf '#!/command/with-contenv sh\nexec s6-setuidgid hermes sleep infinity\n' >"$rc/dashboard/run"
chmod 0755 "$rc/gateway/run" "$rc/dashboard/run"

mkdir -p /etc/cont-init.d
cat >/etc/cont-init.d/015-supervise-perms <<'SH'
#!/command/with-contenv sh
# The image's own static services, by name: s6-overlay's own (s6rc-*, s6-linux-init-shutdownd) stay root's.
set -eu
for service in gateway dashboard; do
  dir=/run/service/$service
  case ${HERMES_TEST_BOOT:-upstream} in
    upstream) chown -R hermes:hermes "$dir/supervise" "$dir/event" ;;
    healthy) s6-svperms -G hermes -E hermes "$dir" ;;
  esac
done
# The scanner's control, group-owned as --fix gives it, so that hermes can ask for a rescan.
if [ "${HERMES_TEST_BOOT:-upstream}" = healthy ]; then
  chgrp hermes /run/service/.s6-svscan /run/service/.s6-svscan/control
  chmod 0710 /run/service/.s6-svscan
  chmod 0620 /run/service/.s6-svscan/control
fi
SH
cat >/etc/cont-init.d/02-reconcile-profiles <<'SH'
#!/command/with-contenv sh
set -eu
[ "${HERMES_TEST_BOOT:-upstream}" = upstream ] || exit 0
chown hermes:hermes /run/service /run/service/.s6-svscan/control /run/service/.s6-svscan/lock
SH
chmod 0755 /etc/cont-init.d/015-supervise-perms /etc/cont-init.d/02-reconcile-profiles

# The admin CLI: the shim under its own name.
ln -s hermes /opt/hermes/bin/hermes-exec-shim
