# AccessHive — `make help` lists the targets.
SHELL := /bin/bash
GO    ?= go
PKGS  ?= ./...

.PHONY: help run test build generate check-generated lint bench load soak withenv compose-config

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-18s %s\n", $$1, $$2}'

run: build ## run everything (throwaway PostgreSQL + Redis, API, worker, fake directory) with demo data on http://127.0.0.1:8080
	bin/accesshive dev

build: ## build bin/accesshive
	$(GO) build -o bin/accesshive ./cmd/accesshive

withenv:
	@$(GO) build -o bin/withenv ./internal/devenv/cmd/withenv

test: withenv ## run every test against a throwaway PostgreSQL and Redis
	bin/withenv -- $(GO) test -p 2 -count=1 -timeout 15m $(PKGS)

generate: ## regenerate gqlgen code from schema.graphqls
	$(GO) tool gqlgen generate

check-generated: generate ## fail when generated code is out of date with schema.graphqls
	@git diff --exit-code -- graph/ || (echo "graph/ is out of date: run make generate and commit" && exit 1)

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go') && exit 1)
	$(GO) vet ./...

load: ## drive a running system (make run) with 16 clients for 20 s and print latencies
	$(GO) run ./bench/load -c 16 -d 20s

soak: withenv ## the long fault suites and SOAK_DURATION (default 1h) of mixed traffic (README "Fault suites and soak")
	bench/soak/soak.sh

bench: withenv ## run the benchmarks (results go to docs/BENCHMARKS.md by hand, with the machine)
	bin/withenv -- $(GO) test -run '^$$' -bench . -benchmem $(PKGS)

compose-config: ## validate docker-compose.yml (needs docker-compose, e.g. apt-get install docker-compose)
	docker-compose -f docker-compose.yml config -q
