# cw-sidecar container image.
#
#   docker build -t cw-sidecar:latest .
#
# Stage "build": Debian 12 with the packages of scripts/install-deps.sh
# --build-only; a Release build, stripped. scripts/runtime-rootfs.sh then
# assembles the runtime root: the binary, the shared libraries ldd names, the
# loader, the CA bundle, passwd/group/nsswitch.conf and the state directory.
# Stage "runtime": that root on an empty image (about 24 MiB, nearly all of it
# libcurl's Debian dependencies; the binary itself is under 1 MiB). No shell,
# no curl: the HEALTHCHECK is the binary itself.
#
# Runs as uid 65532 and writes nothing outside STATE_DIR (by default
# LOG_PATH/.cw-sidecar on the shared volume), so a read-only root file system
# works. tests/integration/test_image.py rebuilds this runtime root from the
# lines below and runs the binary chrooted into it.

FROM debian:12 AS build
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh --build-only && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY src ./src
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCW_BUILD_TESTS=OFF -DCW_BUILD_BENCH=OFF \
 && cmake --build build --target cw-sidecar \
 && strip build/src/app/cw-sidecar
COPY scripts/runtime-rootfs.sh /tmp/runtime-rootfs.sh
RUN /tmp/runtime-rootfs.sh build/src/app/cw-sidecar /rootfs

FROM scratch AS runtime
COPY --from=build /rootfs/ /
COPY --from=build --chown=65532:65532 /rootfs/var/lib/cw-sidecar/ /var/lib/cw-sidecar/
USER 65532:65532
# The seed's mount point of the shared volume. The metrics listener is on by
# default, on loopback only, so that the HEALTHCHECK below has a /healthz to
# ask; set METRICS_ADDRESS=0.0.0.0:9880 to let Prometheus scrape it.
ENV LOG_PATH=/src/logs \
    METRICS_ADDRESS=127.0.0.1:9880
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/cw-sidecar", "--healthcheck"]
ENTRYPOINT ["/usr/local/bin/cw-sidecar"]
