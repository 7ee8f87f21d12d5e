# The Hermes image's layout around the shim, as README.md's install recipe
# gives it, on the local Debian base image (test/platform/base-image.sh).
# Build arguments pick the variant the tests need: the product name (a fork),
# what stands at the CLI's path, and which helper the image carries.
ARG BASE
FROM ${BASE}
ARG NAME=hermes
ARG CLI=standin
ARG HELPER=s6
# Root-owned and already mode 0755 in the build context, so this one layer is
# the only copy of the binary in the image.
COPY shim /opt/${NAME}/bin/${NAME}
COPY layout /tmp/layout
RUN sh /tmp/layout/layout.sh "$NAME" "$CLI" "$HELPER" && rm -rf /tmp/layout
ENV PATH=/opt/${NAME}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HERMES_HOME=/opt/data
VOLUME /opt/data
ENTRYPOINT ["/usr/local/bin/entrypoint"]
