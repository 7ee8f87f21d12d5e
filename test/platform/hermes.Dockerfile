# The Hermes image's layout around the shim, as README.md's install recipe
# gives it, on the local Debian base image (test/platform/base-image.sh).
# Build arguments pick the variant the tests need: the product name (a fork),
# the commands the shim guards (one console script each in the venv, one link
# each to the shim), what stands at their paths, and which helper the image
# carries.
ARG BASE
FROM ${BASE}
ARG NAME=hermes
ARG COMMANDS="hermes hermes-agent hermes-acp"
ARG CLI=standin
ARG HELPER=s6
# Root-owned and already mode 0755 in the build context, so this one layer is
# the only copy of the binary in the image.
COPY shim /opt/${NAME}/bin/${NAME}
COPY layout /tmp/layout
RUN sh /tmp/layout/layout.sh "$NAME" "$CLI" "$HELPER" "$COMMANDS" && rm -rf /tmp/layout
# As in the Hermes image, the venv's bin comes right after the shim's directory.
ENV PATH=/opt/${NAME}/bin:/opt/${NAME}/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HERMES_HOME=/opt/data
VOLUME /opt/data
ENTRYPOINT ["/usr/local/bin/entrypoint"]
