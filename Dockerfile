# syntax=docker/dockerfile:1
# The gateway image. One image runs every role: the HTTP edge (default command), a worker
# (`node dist/worker-main.js`) and the reference airline and payment service for a demo
# (`node dist/reference/airline/airline-main.js`, `node dist/reference/payment/payment-main.js`). The IATA schema
# packages are licensed by IATA: mount them at /schemas, never copy them into an image.

FROM node:20-bookworm-slim AS build
# libxmljs2 (the selectable second XSD engine) is a native addon.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts stay off until the sources are here; then only the native addons are built.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild libxmljs2 msgpackr-extract
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    NDC_SCHEMA_PATH=/schemas
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY mappings ./mappings
COPY schemas ./schemas
# Data of the reference airline, used only when the image runs it.
COPY fixtures ./fixtures
# Runs as the unprivileged user of the node image; the code is root's and read-only to it.
USER node
EXPOSE 8080
# node is PID 1 and handles SIGTERM itself (requests in flight are answered and jobs finished
# before it exits, within SHUTDOWN_GRACE_MS: stop it with a longer timeout, `docker stop --time 20`);
# run with `--init` (compose: `init: true`) so that a cluster's processes are reaped as well.
# NODE_ENV=production: it refuses to start while a simulator or a per-process store would stand in.
# Liveness: a process that answers is left running; readiness (/ready) is for load balancers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/v1/monitoring/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
