# syntax=docker/dockerfile:1.7
#
# walt: one image, two roles (WALT_ROLES=api | worker | api,worker; default both). See README.md,
# "Deployment".
#
#   docker build -t walt:dev .                                  CPU image (API and CPU workers)
#   docker build --build-arg VARIANT=cuda -t walt:dev-cuda .    GPU workers: CUDA 12.8 PyTorch natives
#
# Shape of Spring Boot's layered-jar template: a builder stage packages the jar and splits it into
# layers (dependencies change rarely, the application often); the runtime stage copies the layers in
# that order onto a JRE. Everything native (PyTorch through DJL, FFmpeg through JavaCPP) is extracted
# and loaded once at build time, so a container never downloads or extracts anything when it starts.

# cpu: eclipse-temurin JRE + PyTorch CPU natives; cuda: nvidia/cuda runtime + the same JRE + PyTorch
# CUDA natives (Maven profile `cuda`, artifact pytorch-native-cu128).
ARG VARIANT=cpu
ARG JAVA_VERSION=21
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-runtime-ubuntu24.04

# ---------------------------------------------------------------------------------------------------
# builder: package with the Maven wrapper, extract the layers, compile the health check
# ---------------------------------------------------------------------------------------------------
FROM eclipse-temurin:${JAVA_VERSION}-jdk-noble AS builder
ARG VARIANT
WORKDIR /build
COPY --chmod=0755 mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY src/ src/
# The Maven repository lives in a BuildKit cache mount: rebuilds reuse downloads, the image holds none.
# ${profiles} is empty or one word: unquoted on purpose.
# hadolint ignore=SC2086
RUN --mount=type=cache,target=/root/.m2 \
    set -eu; \
    case "${VARIANT}" in \
      cpu) profiles="" ;; \
      cuda) profiles="-Pcuda" ;; \
      *) echo "VARIANT must be cpu or cuda, was '${VARIANT}'" >&2; exit 1 ;; \
    esac; \
    ./mvnw -B -DskipTests ${profiles} package; \
    cp target/walt-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted
COPY docker/HealthCheck.java docker/
RUN javac --release 17 -d healthcheck docker/HealthCheck.java

# ---------------------------------------------------------------------------------------------------
# runtime bases
# ---------------------------------------------------------------------------------------------------
FROM eclipse-temurin:${JAVA_VERSION}-jre-noble AS runtime-cpu

FROM ${CUDA_IMAGE} AS runtime-cuda
# The same JRE as the CPU image, copied from the Temurin image (same Ubuntu 24.04 base and glibc).
COPY --from=runtime-cpu /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH \
    PYTORCH_FLAVOR=cu128

# ---------------------------------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------------------------------
# hadolint ignore=DL3006
FROM runtime-${VARIANT} AS runtime
ARG VARIANT
LABEL org.opencontainers.image.title="walt" \
      org.opencontainers.image.description="Asynchronous video generation with W.A.L.T: HTTP API and GPU/CPU workers" \
      org.opencontainers.image.licenses="Apache-2.0" \
      dev.walt.variant="${VARIANT}"

# A fixed non-root uid/gid: Kubernetes (runAsNonRoot, runAsUser 10001) and volume ownership rely on it.
RUN groupadd --system --gid 10001 walt \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/walt --create-home \
      --shell /usr/sbin/nologin walt \
 && mkdir -p /var/lib/walt /opt/walt/natives/lib \
 && chown 10001:10001 /var/lib/walt

# DJL_CACHE_DIR: PyTorch natives, extracted below. WALT_DATA_DIR: local state (the embedded database and
# S3 data when no external ones are configured); a volume in compose and Kubernetes.
ENV DJL_CACHE_DIR=/opt/walt/natives/djl \
    WALT_DATA_DIR=/var/lib/walt \
    HOME=/home/walt
# Container-aware memory: the heap is a share of the container's memory limit (the JVM reads the
# cgroup limit). Half by default, leaving room for PyTorch's and FFmpeg's native memory; the Helm chart
# sets it per role (API more heap, workers less). Exit on OOM so that the orchestrator restarts us.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=10 -XX:+ExitOnOutOfMemoryError"

WORKDIR /app
COPY --from=builder /build/extracted/dependencies/ ./
COPY --from=builder /build/extracted/spring-boot-loader/ ./
COPY --from=builder /build/extracted/snapshot-dependencies/ ./
COPY --from=builder /build/extracted/application/ ./
COPY --from=builder /build/healthcheck/ /opt/walt/healthcheck/
COPY docker/jvm.args /opt/walt/jvm.args

# Bake the natives: the warm-up command extracts PyTorch into DJL_CACHE_DIR and FFmpeg into a JavaCPP
# cache, loads both and runs a tensor operation; the FFmpeg libraries are then flattened into
# /opt/walt/natives/lib, where jvm.args points JavaCPP. Then the warm-up runs again as the runtime user
# with the runtime arguments, proving the image starts without writing or downloading natives.
# (CUDA: no GPU driver at build time, so PyTorch may extract without loading; --allow-engine-failure
# still requires the extracted libraries.)
# hadolint ignore=SC2086
RUN set -eu; \
    warmup_flags=""; \
    if [ "${VARIANT}" = cuda ]; then warmup_flags="--allow-engine-failure"; fi; \
    java -Dai.djl.offline=true -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp -cp /app \
      org.springframework.boot.loader.launch.JarLauncher warm-up ${warmup_flags}; \
    find /tmp/javacpp -name 'lib*.so*' -exec cp -a -t /opt/walt/natives/lib {} +; \
    rm -rf /tmp/javacpp /tmp/hsperfdata_root; \
    chmod -R a+rX /opt/walt
USER 10001:10001
# hadolint ignore=SC2086
RUN set -eu; \
    warmup_flags=""; \
    if [ "${VARIANT}" = cuda ]; then warmup_flags="--allow-engine-failure"; fi; \
    java @/opt/walt/jvm.args -cp /app org.springframework.boot.loader.launch.JarLauncher warm-up ${warmup_flags}; \
    rm -rf /tmp/hsperfdata_walt /tmp/.javacpp-walt

EXPOSE 8080
# Liveness only: the process answers; it never checks the database or S3 (see the health groups).
# The JRE image has no curl or wget: a tiny class compiled in the builder stage does the request.
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
  CMD ["java", "-Xmx16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "/opt/walt/healthcheck", "HealthCheck"]

# `docker run walt:dev` starts the service; `docker run walt:dev migrate` applies the database
# migrations and exits; `docker run walt:dev help` lists the commands.
ENTRYPOINT ["java", "@/opt/walt/jvm.args", "-cp", "/app", "org.springframework.boot.loader.launch.JarLauncher"]
