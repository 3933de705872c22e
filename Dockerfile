# syntax=docker/dockerfile:1
# Build: a static binary (no cgo), templates already generated and committed.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/mfaportal .

# Run: distroless static, as a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mfaportal /mfaportal
USER nonroot:nonroot
# Every interface, as a container must: without Stytch credentials this
# refuses to start instead of serving the demo to the network. Only an
# explicit MFAPORTAL_DEMO=1 at run time allows that; never set it here.
ENV ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/mfaportal"]
