# The Hermes image as upstream's Dockerfile builds it, on genuine s6-overlay:
# the two release tarballs (test/platform/s6-overlay/, checked against their
# sums before anything is extracted) at /, /init as the ENTRYPOINT in front of
# the main wrapper, a cont-init stage and s6-rc services (overlay.sh), and the
# same layout around the shim as hermes.Dockerfile's.
ARG BASE
FROM ${BASE}
ARG NAME=hermes
ARG COMMANDS="hermes hermes-agent hermes-acp"
ARG CLI=standin
ARG HELPER=overlay
COPY s6-overlay/3.1.6.2 /tmp/s6-overlay
RUN cd /tmp/s6-overlay && sha256sum --strict -c SHA256SUMS && rm -rf /tmp/s6-overlay
# The base image has no xz; the builder unpacks a local .tar.xz as `tar -C / -Jxpf` would.
ADD s6-overlay/3.1.6.2/s6-overlay-noarch.tar.xz /
ADD s6-overlay/3.1.6.2/s6-overlay-x86_64.tar.xz /
COPY shim /opt/${NAME}/bin/${NAME}
COPY layout /tmp/layout
RUN sh /tmp/layout/layout.sh "$NAME" "$CLI" "$HELPER" "$COMMANDS" \
    && sh /tmp/layout/overlay.sh && rm -rf /tmp/layout
ENV PATH=/opt/hermes/bin:/opt/hermes/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HERMES_HOME=/opt/data
VOLUME /opt/data
ENTRYPOINT ["/init", "/usr/local/bin/entrypoint"]
