# AccessHive — `make help` lists the targets.
SHELL := /bin/bash
GO    ?= go
PKGS  ?= ./...

.PHONY: help run test test-go test-race build generate check-generated lint bench load soak withenv compose-config fuzz-short fuzz-long web web-deps test-web test-browser screenshots chromium

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-18s %s\n", $$1, $$2}'

run: build ## run everything (throwaway PostgreSQL + Redis, API, worker, fake directory) with demo data on http://127.0.0.1:8080
	bin/accesshive dev

build: web ## build bin/accesshive (with the console embedded)
	$(GO) build -o bin/accesshive ./cmd/accesshive

# The console (web/): npm ci from the lockfile when node_modules is missing or older than the
# lockfile (a stamp file records the install), then a build when any source changed.
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/playground.html \
	web/vite.config.ts web/tsconfig.json web/codegen.ts web/package.json schema.graphqls
WEB_STAMP := web/node_modules/.accesshive-npm-ci

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

web-deps: $(WEB_STAMP)

web/dist/index.html: $(WEB_STAMP) $(WEB_SRC)
	cd web && npm run --silent codegen && npm run --silent build
	@touch $@

web: web/dist/index.html ## build the console into web/dist (embedded by the next go build)

chromium: ## install Debian's chromium for the browser tests when /usr/bin/chromium is missing
	@web/scripts/ensure-chromium.sh

withenv:
	@$(GO) build -o bin/withenv ./internal/devenv/cmd/withenv

test: test-go test-web test-browser ## run every test: Go (throwaway PostgreSQL and Redis), console components, browser

test-go: withenv ## run the Go tests against a throwaway PostgreSQL and Redis, then a short run of every fuzz target
	bin/withenv -- $(GO) test -p 2 -count=1 -timeout 15m $(PKGS)
	$(MAKE) fuzz-short

FUZZTIME      ?= 4s
SOAK_FUZZTIME ?= 90s

fuzz-short: withenv ## run every Go fuzz target for $(FUZZTIME) (about 2 minutes in all)
	bin/withenv -- scripts/fuzz.sh $(FUZZTIME)

fuzz-long: withenv ## run every Go fuzz target for $(SOAK_FUZZTIME) (about 25 minutes in all)
	bin/withenv -- scripts/fuzz.sh $(SOAK_FUZZTIME)

# -timeout bounds each package's test binary: a hang fails .ci/run well inside CI's 90 minutes.
test-race: withenv ## the Go tests of make test under the race detector (.ci/run runs it after make test)
	bin/withenv -- $(GO) test -race -p 2 -count=1 -timeout 45m $(PKGS)

test-web: web-deps ## run the console's component tests (Vitest)
	cd web && npx vitest run

test-browser: build chromium ## run the browser tests (Playwright on Debian's chromium against bin/accesshive dev)
	cd web && npx playwright test

screenshots: build chromium ## refresh docs/screenshots/ from the browser tests
	cd web && SCREENSHOTS=1 npx playwright test

generate: web-deps ## regenerate gqlgen code and the console's operation types from schema.graphqls
	$(GO) tool gqlgen generate
	cd web && npm run --silent codegen

check-generated: generate ## fail when generated code (gqlgen, console types) is out of date with schema.graphqls
	@git diff --exit-code -- graph/ || (echo "graph/ is out of date: run make generate and commit" && exit 1)
	@git diff --exit-code -- web/src/gql/ || (echo "web/src/gql is out of date: run make generate and commit" && exit 1)
	@cd web && npm run --silent codegen:check >/dev/null || (echo "web/src/gql is out of date: run make generate and commit" && exit 1)

lint: ## gofmt, go vet, and no function over 60 lines outside tests and generated code
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go') && exit 1)
	$(GO) vet ./...
	$(GO) run ./scripts/funclen .

funclen: ## list functions over 60 lines outside tests and generated code (make lint enforces it)
	$(GO) run ./scripts/funclen .

load: ## drive a running system (make run) with 16 clients for 20 s and print latencies
	$(GO) run ./bench/load -c 16 -d 20s

soak: withenv ## the long fault suites, SOAK_DURATION (default 1h) of mixed traffic and the long outage runs (README "Fault suites and soak"), then make fuzz-long
	bench/soak/soak.sh
	bench/soak/outages.sh
	$(MAKE) fuzz-long

bench: withenv ## run the benchmarks (results go to docs/BENCHMARKS.md by hand, with the machine)
	bin/withenv -- $(GO) test -run '^$$' -bench . -benchmem $(PKGS)

compose-config: ## validate docker-compose.yml (needs docker-compose, e.g. apt-get install docker-compose)
	docker-compose -f docker-compose.yml config -q
