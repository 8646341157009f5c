# One image for every connector: `docker run ... octi-connectors run <connector>`, configured by environment or a mounted config.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /opt/octi-connectors
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY core ./core
COPY connectors ./connectors
COPY templates ./templates
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/octi-connectors
COPY --from=build /opt/octi-connectors /opt/octi-connectors
RUN mkdir -p /data && chown node:node /data
USER node
WORKDIR /data
ENTRYPOINT ["node", "/opt/octi-connectors/bin/octi-connector.js"]
CMD ["list"]
