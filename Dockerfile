# imagine-bot container image.
#
#   docker build -t imagine-bot .
#   docker run -d --name imagine-bot --env-file .env -v imagine-bot-data:/data -p 8080:8080 imagine-bot
#   docker run --rm --env-file .env imagine-bot node dist/src/deploy-commands.js   # register the slash commands once
#
# Or with compose.yaml: `docker compose up -d`.
#
# Two stages: `build` compiles the native sqlite3 addon and the TypeScript, then prunes dev dependencies;
# the runtime stage gets only the pruned node_modules, dist/ and package.json, and runs as `node` (uid 1000).
# The build steps below (npm ci → npm run build → npm prune --omit=dev) and the CMD are exactly what
# test/e2e/docker-recipe.test.ts reads from this file and runs outside Docker: keep them one command per RUN.
# Only the classic builder's syntax is used (no RUN --mount, COPY --link or heredocs), so both builders work.

FROM node:24-bookworm-slim AS build

# python3, make and g++ compile sqlite3 (the @keyv/sqlite driver) when no prebuilt binary can be downloaded.
RUN apt-get update \
	&& apt-get install -y --no-install-recommends python3 make g++ \
	&& rm -rf /var/lib/apt/lists/*

# Optional, for builders without internet access to nodejs.org: a directory holding Node's C headers
# (include/node), so node-gyp does not download them, e.g. --build-arg npm_config_nodedir=/usr/local.
# Unset by default; only the build stage sees it, nothing of it reaches the runtime image.
ARG npm_config_nodedir

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build
RUN npm prune --omit=dev


FROM node:24-bookworm-slim

# tini as PID 1: forwards SIGTERM/SIGINT to node and reaps zombies. DejaVu: the only font the
# /budget report chart needs (a slim image has none, and the chart's text would not render).
RUN apt-get update \
	&& apt-get install -y --no-install-recommends tini fonts-dejavu-core \
	&& rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin

ARG VERSION=0.1.0
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="imagine-bot" \
	org.opencontainers.image.description="Self-hosted Discord bot: FLUX 1.1 Pro images through hiapi, with per-user budgets moderators control." \
	org.opencontainers.image.source="${SOURCE_URL}" \
	org.opencontainers.image.licenses="MIT" \
	org.opencontainers.image.version="${VERSION}"

# Defaults; override with --env-file / -e. The SQLite file lives in the /data volume;
# HEALTH_PORT serves GET /healthz (used by HEALTHCHECK below) and GET /metrics.
# NODE_OPTIONS: a 2 MiB young generation (V8's default is 16 MiB): ~10 MiB less memory for an I/O-bound bot.
ENV NODE_ENV=production \
	STORE_URL=sqlite:///data/imagine-bot.sqlite \
	HEALTH_PORT=8080 \
	HTTP_HOST=0.0.0.0 \
	NODE_OPTIONS=--max-semi-space-size=2

WORKDIR /app
# Application files stay owned by root: the bot can read but not modify its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# Owned by node so a fresh named volume mounted here is writable by the bot (Docker copies the ownership).
# /app/data points at it, so a relative STORE_URL=sqlite://data/imagine-bot.sqlite (the .env.example
# default, resolved against WORKDIR /app) lands in the volume too instead of failing on root-owned /app.
RUN mkdir -p /data && chown node:node /data && ln -s /data /app/data
VOLUME /data

USER node
EXPOSE 8080

# 200 when the gateway session is ready and the store answers; 503 otherwise. Uses node's fetch (no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
	CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# docker stop sends SIGTERM to tini, which passes it to node: the bot finishes or persists its open
# jobs within SHUTDOWN_GRACE_MS and exits 0. Keep SHUTDOWN_GRACE_MS below the stop timeout (docker stop -t,
# compose stop_grace_period; Docker's default is 10 s, the bot's default grace 8 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
# node directly, never `npm start`: npm does not pass SIGTERM on to the bot.
CMD ["node", "dist/src/main.js"]
