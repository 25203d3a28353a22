# pardemo — a concurrency teaching lab.
#   make run-all   build and run every scenario in curriculum order (the course)
#   make test      vet + unit + race detector + end-to-end (what CI runs)

GO      ?= go
BIN     := bin/pardemo
SPEED   ?= 10
export GOTOOLCHAIN := local

.PHONY: all build run-all test vet unit race e2e bench docs check-docs clean

all: build

build:
	$(GO) build -o $(BIN) .

run-all: build
	./$(BIN) --speed $(SPEED) run-all

test: vet unit race check-docs

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	GOOS=windows $(GO) build -o /dev/null ./...
	GOOS=darwin $(GO) build -o /dev/null ./...

# Unit, example and end-to-end tests (the e2e scripts live in cmd/testdata).
unit:
	$(GO) test -count=1 ./...

# The same suite under the race detector; the deliberately racy counter is
# compiled out of -race builds (internal/race/plain_norace.go).
race:
	$(GO) test -race -count=1 ./...

# Only the end-to-end tests of the real command line.
e2e:
	$(GO) test -count=1 -run 'TestScripts|TestExit|TestInterrupt' ./cmd/

# Performance figures come from here, never from timing asserts in tests.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2000000x ./internal/race/
	$(GO) test -run '^$$' -bench . -benchtime 300x ./internal/proc/
	$(GO) test -run '^$$' -bench . -benchtime 10x ./demos/primes/ ./demos/gil/

docs: build
	$(GO) run ./internal/gendocs docs

check-docs:
	$(GO) run ./internal/gendocs -check docs

clean:
	rm -rf bin
