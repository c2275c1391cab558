# wegwijs: multi-stage build on node:24-slim; runs as a non-root user with the data directory as a volume.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; the node@24 devDependency is not needed inside a node:24 image.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data CONTENT_DIR=/app/content LOCALES_DIR=/app/locales
# V8 heap, the same flags as `npm start` (package.json): a 512 MB ceiling makes V8 collect garbage before the heap
# balloons, 8 MB semi-spaces keep the young generation small (about 240-250 MB resident under full load instead of
# 450 MB; docs/benchmark.md). Raise the first for catalogues many times larger than the shipped one.
ENV NODE_OPTIONS="--max-old-space-size=512 --max-semi-space-size=8"
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY content ./content
COPY locales ./locales
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# SIGTERM starts the graceful shutdown (new requests get 503, in-flight messages finish, then exit 0) within
# SHUTDOWN_TIMEOUT_SECONDS (25 s): give the container a little more (docker stop -t 30, stop_grace_period: 30s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--disable-warning=ExperimentalWarning", "src/main.ts"]
