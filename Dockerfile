# syntax=docker/dockerfile:1
# The application image, one for the worker and the API/console (docker-compose.yml picks the
# entrypoint with `command:`). Node 24 LTS; dependencies from the lock file; the web console and the
# workflow code built at image build time (workers load the prebundle, never bundle at start);
# runs as the unprivileged `node` user. Signals go straight to Node: `node dist/<entry>.js`, the
# TypeScript compiled at build time (deploy/entrypoints.ts; `npm run stack` runs the same modules).

ARG NODE_IMAGE=node:24-bookworm-slim

# ── dependencies: npm ci, with a compiler for better-sqlite3 should no prebuilt binary match ──
FROM ${NODE_IMAGE} AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ── build: the console (web/dist), the compiled code (dist/) and the prebundled workflow code (dist/workflow-bundle.js) ──
FROM deps AS build
COPY . .
RUN npm run build:web && npm run build && npm run bundle && npm prune --omit=dev --no-audit --no-fund

# ── runtime ──
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    WORKER_HTTP_HOST=0.0.0.0 \
    CAMPAIGN_PLANS_DIR=/data/plans \
    CAMPAIGN_UPLOADS_DIR=/data/uploads \
    CAMPAIGN_PROGRESS_DIR=/data/progress \
    CAMPAIGN_ARCHIVE_DIR=/data/archive
# A CJK font for the 简报's chart (app/report/chart.ts, drawn by resvg): without one every Chinese label is a box.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data/plans /data/archive && chown -R node:node /data
USER node
VOLUME ["/data/plans", "/data/archive"]
EXPOSE 8080 9464
# The API's /healthz; the worker service overrides it with its own port (docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 CMD ["node", "deploy/healthcheck.mjs"]
ENTRYPOINT ["node"]
CMD ["dist/client/api/main.js"]
