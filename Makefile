# pardemo — a concurrency teaching lab.
#   make run-all   build and run every scenario in curriculum order (the course)
#   make test      vet + lint (staticcheck) + unit + race detector + end-to-end (what CI runs)

GO      ?= go
BIN     := bin/pardemo
# SPEED=N runs the course at --speed N; unset, each scenario runs at its
# own default pace (10, or the cookbook's own where a scenario says so).
SPEED   ?=
export GOTOOLCHAIN := local

# staticcheck is pinned here, and only here: `make tools` (run by .ci/run)
# installs this version into $(go env GOPATH)/bin, and `make lint` refuses
# any other.
STATICCHECK_VERSION := 0.8.2
STATICCHECK ?= $(shell command -v staticcheck 2>/dev/null || echo "$$($(GO) env GOPATH)/bin/staticcheck")

.PHONY: all build run-all test vet lint tools unit race chaos chaos-short e2e bench docs check-docs man install-man clean verify race-demo

all: build

build:
	$(GO) build -buildvcs=auto -o $(BIN) .

run-all: build
	./$(BIN) $(if $(SPEED),--speed $(SPEED)) run-all

test: vet lint unit race chaos-short check-docs verify

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	GOOS=windows $(GO) build -o /dev/null ./...
	GOOS=darwin $(GO) build -o /dev/null ./...

tools:
	$(GO) install honnef.co/go/tools/cmd/staticcheck@v$(STATICCHECK_VERSION)

lint:
	@"$(STATICCHECK)" -version 2>/dev/null | grep -qF "($(STATICCHECK_VERSION))" || \
		{ echo "staticcheck $(STATICCHECK_VERSION) not found at $(STATICCHECK): run 'make tools'"; exit 1; }
	"$(STATICCHECK)" ./...

# Unit, example and end-to-end tests (the e2e scripts live in cmd/testdata).
unit:
	$(GO) test -count=1 ./...

# The same suite under the race detector; the deliberately racy counter is
# compiled out of -race builds (internal/race/plain_norace.go).
race:
	$(GO) test -race -count=1 ./...

# The fault-injection suite (cmd/chaos_linux_test.go): every command ×
# seeds, signals at random moments, a corpus of bad inputs, a full disk, a
# closed stdout, TERM=dumb; it ends with a "chaos: runs N, hangs 0, ..."
# line. PARDEMO_CHAOS_SEED=N replays a run. The short form is part of
# `make test`.
chaos:
	PARDEMO_CHAOS=full $(GO) test -count=1 -timeout 15m -run '^TestChaos$$' -v ./cmd/

chaos-short:
	PARDEMO_CHAOS=short $(GO) test -count=1 -timeout 5m -run '^TestChaos$$' -v ./cmd/

# Every scenario, VERIFY_TRIALS runs each at high speed: exits 1 on a
# forbidden or unexpected outcome, a failed run, or a lesson that showed in
# none of its trials (`pardemo verify --help`). The quick form is part of
# `make test`; `make verify VERIFY_TRIALS=20` is the thorough one.
VERIFY_TRIALS ?= 2
verify: build
	./$(BIN) verify --trials $(VERIFY_TRIALS)

# The race-detector lesson: the plain data race as a program of its own,
# built with go build -race (needs the Go toolchain and a C compiler; the
# binary is cached per Go version), run, and its report explained.
race-demo: build
	./$(BIN) race --plain --detector

# Only the end-to-end tests of the real command line.
e2e:
	$(GO) test -count=1 -run 'TestScripts|TestExit|TestInterrupt' ./cmd/

# Performance figures come from here, never from timing asserts in tests.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2000000x ./internal/race/
	$(GO) test -run '^$$' -bench . -benchtime 300x ./internal/proc/
	$(GO) test -run '^$$' -bench IPC -benchtime 1s ./internal/proc/
	$(GO) test -run '^$$' -bench . -benchtime 10x ./demos/poolprimes/ ./demos/gil/
	$(GO) test -run '^$$' -bench . -benchtime 20x -count 3 ./demos/poolfutures/ ./demos/poolsum/
	$(GO) test -run '^$$' -bench . -benchtime 200000x ./demos/echo/
	$(GO) test -run '^$$' -bench Sleepers -benchtime 20x -count 3 ./internal/loop/
	$(GO) test -run '^$$' -bench . -benchtime 200000x -count 3 ./internal/coro/

# The docs generator is a hidden command of the binary: it walks the real
# command tree and reads the embedded sources (metric comments).
docs: build
	./$(BIN) gen-docs docs

check-docs: build
	./$(BIN) gen-docs --check docs

# Man pages (section 1), generated from the command tree.
MANDIR ?= /usr/local/share/man/man1
man: build
	./$(BIN) gen-docs --man bin/man

install-man: man
	install -d $(MANDIR)
	install -m 644 bin/man/*.1 $(MANDIR)

clean:
	rm -rf bin
