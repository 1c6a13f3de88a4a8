# imagegen: one image with the four binaries (imagegen-api, -worker, -admin, -sim).
# Stage 1 builds with Debian bookworm's packages and the same script developers use
# (scripts/build: CMake + Ninja, RelWithDebInfo); stage 2 holds only the runtime libraries.
FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libboost1.81-dev libhiredis-dev libsimdjson-dev libcurl4-openssl-dev libssl-dev \
      libgtest-dev libgmock-dev libbenchmark-dev libspdlog-dev libfmt-dev prometheus-cpp-dev \
      zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the four binaries: the tests run on the developers' machines and in CI.
RUN BUILD_DIR=/build BUILD_TYPE=RelWithDebInfo BUILD_JOBS="$(nproc)" \
      BUILD_TARGETS="imagegen-api imagegen-worker imagegen-admin imagegen-sim" scripts/build \
 && cmake --install /build --prefix /opt/imagegen --strip

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libhiredis0.14 libsimdjson14 libcurl4 libssl3 libspdlog1.10 libfmt9 \
      libprometheus-cpp-core1.0 zlib1g ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/imagegen --create-home imagegen \
 && mkdir -p /var/lib/imagegen/images && chown -R imagegen /var/lib/imagegen
# bin/ and share/imagegen/models.json: the binaries find the catalog beside themselves.
COPY --from=build /opt/imagegen /opt/imagegen
ENV PATH=/opt/imagegen/bin:$PATH
USER imagegen
WORKDIR /var/lib/imagegen
EXPOSE 8080 8090 9100 9101
CMD ["imagegen-api"]
