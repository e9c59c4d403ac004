# syntax=docker/dockerfile:1
# The gateway as a container: built from this repository, run as the unprivileged user "node".
# Configuration: REGQL_CONFIG naming a mounted file (see deploy/compose.yaml), or REGISTRY_URL;
# PORT and HOST as for `npm start`. Secrets through environment variables or mounted files
# (tokenEnv, tokenFile, passwordEnv, passwordFile), never in the image.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY ui ./ui
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
# node:*-slim has no curl: node's own fetch asks /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT ?? 4000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=64", "--heap-growing-percent=20", "dist/src/server/main.js"]
