# The imgsvc image: every role (`imgsvc serve --role …`) and the operator (`imgsvc operator`).
# Built in CI elsewhere; test/e2e/image-layout.test.ts replays its install and start-up steps.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: `prepare` would build before the sources are copied in.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY services ./services
COPY operator ./operator
COPY cdk8s ./cdk8s
RUN npx tsc -p tsconfig.build.json
# The web app (/app): built here since scripts are off above.
COPY web ./web
RUN npx vite build --config web/vite.config.ts --logLevel warn

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; sharp's libvips comes prebuilt in its optional @img/* packages.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# Numeric, so Kubernetes can verify runAsNonRoot; the pods set the same id.
USER 10001:10001
EXPOSE 8080 8081
ENTRYPOINT ["node", "/app/bin/imgsvc.js"]
CMD ["serve"]
