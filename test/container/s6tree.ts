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
