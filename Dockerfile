# Lobang: one static binary in a distroless image. Built by the pipeline
# (deploy/) and run on ECS Fargate as `lobang serve` and `lobang worker`.
# The embedded dev stack is compiled out (-tags noembed): production always
# names its MySQL and Redis.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -tags noembed -ldflags="-s -w" -o /out/lobang ./cmd/lobang

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/lobang /usr/local/bin/lobang
USER 65532:65532
EXPOSE 8080
ENV LOBANG_ADDR=:8080 LOBANG_LOG_FORMAT=json
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["/usr/local/bin/lobang", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/lobang"]
CMD ["serve"]
