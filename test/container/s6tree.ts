/**
 * A supervision tree as the Hermes image has one, for Debian's s6-svscan to
 * run as PID 1 over: `dashboard` a service directory in the scan directory,
 * `gateway` a symlink to one elsewhere (as s6-overlay links them) with a
 * log/ of its own, each run script dropping to hermes.
 */
export const SCAN = "/run/service";
export const SERVICES = [`${SCAN}/dashboard`, `${SCAN}/gateway`, `${SCAN}/gateway/log`];

/** Shell lines that make the services; s6-svscan is started after them. */
export const MAKE_SERVICES = `
mkdir -p ${SCAN}/dashboard /srv/sv/gateway/log
printf '#!/bin/sh\\nexec s6-setuidgid hermes sleep infinity\\n' > ${SCAN}/dashboard/run
cp ${SCAN}/dashboard/run /srv/sv/gateway/run
printf '#!/bin/sh\\nexec s6-setuidgid hermes s6-log n2 /tmp/gateway-log\\n' > /srv/sv/gateway/log/run
chmod 0755 ${SCAN}/dashboard/run /srv/sv/gateway/run /srv/sv/gateway/log/run
ln -s /srv/sv/gateway ${SCAN}/gateway
`;

/** What the runtime user's CLI runs: restart the gateway, read its log's status, ask the scanner to rescan. */
export const CONTROL = [`s6-svc -r ${SCAN}/gateway`, `s6-svstat ${SCAN}/gateway/log`, `s6-svscanctl -a ${SCAN}`];

/**
 * Upstream's layout: s6-overlay mounts a tmpfs on /run, s6-rc lays root's service directories out under
 * /run/s6-rc/servicedirs and links each into the scan directory, and the image's boot
 * (cont-init.d/02-reconcile-profiles) gives the scan directory to the runtime user so that `hermes profile
 * create` can register a profile's gateway there. s6-overlay's tools are in /command; the CLI takes s6 for
 * detected when /proc/1/comm is s6-svscan and /run/s6/basedir is a directory.
 */
export const UPSTREAM_DIRS = "/run/s6-rc/servicedirs";
export const UPSTREAM_SERVICES = [`${SCAN}/dashboard`, `${SCAN}/gateway`];
export const MAKE_UPSTREAM = `
for tool in s6-svc s6-svwait s6-svscanctl; do ln -s /usr/bin/$tool /command/$tool; done
mkdir -p /run/s6/basedir ${SCAN} ${UPSTREAM_DIRS}/dashboard ${UPSTREAM_DIRS}/gateway
for service in dashboard gateway; do
  printf '#!/bin/sh\\nexec s6-setuidgid hermes sleep infinity\\n' > ${UPSTREAM_DIRS}/$service/run
  chmod 0755 ${UPSTREAM_DIRS}/$service/run
  ln -s ${UPSTREAM_DIRS}/$service ${SCAN}/$service
done
chown hermes:hermes ${SCAN}
`;
/** What the boot does once s6-svscan runs: the scanner's control and lock to the runtime user. */
export const GIVE_SCANNER = `chown hermes:hermes ${SCAN}/.s6-svscan/control ${SCAN}/.s6-svscan/lock`;
