# AccessHive: one image, one binary; the command picks the process (serve, worker, migrate up,
# create-agency, fake-directory). See docker-compose.yml and README.md.

# The web console: built with Node, then embedded into the binary (web/dist, go:embed).
FROM node:20-bookworm AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema.graphqls /src/
COPY web/ ./
RUN npx vite build

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
# Pure Go (pgx, go-redis): a static binary that runs on any base image.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /accesshive ./cmd/accesshive

FROM debian:bookworm-slim
# ca-certificates: TLS to Google's Directory API and to managed PostgreSQL/Redis;
# curl: the compose healthchecks (/readyz, the worker's /metrics).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin accesshive
COPY --from=build /accesshive /usr/local/bin/accesshive
USER 10001:10001
# Inside a container the API must listen on every interface (the default is 127.0.0.1:8080).
ENV ACCESSHIVE_HTTP_ADDR=0.0.0.0:8080
# 8080: the API (GraphQL, websocket, /ops/queues, /healthz, /readyz, /metrics);
# 9091: a worker's /metrics (set ACCESSHIVE_WORKER_METRICS_ADDR=0.0.0.0:9091 to expose it).
EXPOSE 8080 9091
ENTRYPOINT ["accesshive"]
CMD ["serve"]
