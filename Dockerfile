# syntax=docker/dockerfile:1
#
# One image for both processes of reliable-signup:
#
#   docker build -t reliable-signup .
#   docker run … reliable-signup                                # the API (default command), port 3000,
#                                                               # its Prometheus metrics on 9465
#   docker run … reliable-signup node dist/workers/worker.js    # the worker, Prometheus metrics on 9464
#
# Both refuse to start under NODE_ENV=production (set here) unless the deployment gives every secret
# and server address (docs/configuration.md and docs/deploying.md); each secret may also come as a file,
# NAME_FILE=/run/secrets/name.
#
# The base must be glibc-based (Debian): the Temporal SDK's native module ships prebuilt for
# x86_64 and aarch64 Linux with glibc only, not for musl (Alpine).
# The image's Node.js line: the first of stack/node-releases.txt, the one CI runs the whole test suite on
# (docs/node-versions.md); `--build-arg NODE_VERSION=22` builds on the other supported line.
ARG NODE_VERSION=24

# --- build: TypeScript → dist/ (CommonJS with source maps) and dist/workflow-bundle.js ---------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own postinstall installs the local development servers, and no
# dependency needs its install script here: the native modules (@temporalio/core-bridge,
# @node-rs/argon2, @swc/core) come prebuilt, in the package or as an optional per-platform package.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# --- prod-deps: runtime dependencies only ---------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# The SDK's native module carries prebuilt binaries for five platforms and its Rust sources: keep the
# binary of this platform only, then fail the build here, not at start, if a native module cannot load.
RUN bridge=node_modules/@temporalio/core-bridge \
    && target="$(node -p "require('./$bridge/common').getPrebuiltTargetName()")" \
    && find "$bridge/releases" -mindepth 1 -maxdepth 1 ! -name "$target" -exec rm -rf {} + \
    && rm -rf "$bridge/sdk-core" "$bridge/src" \
    && node -e "require('@temporalio/core-bridge'); require('@node-rs/argon2')"

# --- runtime --------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# Nothing at run time needs a package manager: npm, npx, corepack and yarn go.
RUN rm -rf /usr/local/lib/node_modules /opt/yarn-* \
    /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
# MALLOC_ARENA_MAX and the 4 MB semi-spaces keep the worker's resident memory down (docs/performance.md).
ENV NODE_ENV=production \
    PORT=3000 \
    WORKER_METRICS_ADDRESS=0.0.0.0:9464 \
    API_METRICS_ADDRESS=0.0.0.0:9465 \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS="--enable-source-maps --max-semi-space-size=4"
WORKDIR /app
# Owned by root and read-only to the process's user.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The built-in mail and page templates; a deployment overrides them from MAIL_TEMPLATES_DIR (docs/templates.md).
COPY templates ./templates
COPY package.json ./
COPY deploy/healthcheck.js ./deploy/healthcheck.js
# The official image's unprivileged user "node", by number, so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000 9464 9465
# API: GET /health answers 200 (every dependency up); worker: its metrics endpoint answers.
HEALTHCHECK --interval=15s --timeout=6s --start-period=30s --retries=3 CMD ["node", "deploy/healthcheck.js"]
CMD ["node", "dist/api/server.js"]
