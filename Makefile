# The usual targets. `make test` is what CI runs (with go vet).
GO ?= go

.PHONY: all build test race vet fmt demo fuzz bench clean

all: vet test build

build:
	$(GO) build -o postroom .

test:
	$(GO) test ./...

race:
	$(GO) test -race ./...

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

demo:
	$(GO) run . demo

# Each parser's fuzz target for a while (FUZZTIME=5m make fuzz).
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./model/ -run XXX -fuzz FuzzParseAddress -fuzztime $(FUZZTIME)
	$(GO) test ./model/ -run XXX -fuzz FuzzReadMembersCSV -fuzztime $(FUZZTIME)
	$(GO) test ./mail/ -run XXX -fuzz FuzzParsePath -fuzztime $(FUZZTIME)
	$(GO) test ./mail/ -run XXX -fuzz FuzzCheckLines -fuzztime $(FUZZTIME)
	$(GO) test ./mail/ -run XXX -fuzz FuzzSession -fuzztime $(FUZZTIME)
	$(GO) test ./mail/ -run XXX -fuzz FuzzData -fuzztime $(FUZZTIME)
	$(GO) test ./mail/ -run XXX -fuzz FuzzParseHeader -fuzztime $(FUZZTIME)
	$(GO) test ./mail/ -run XXX -fuzz FuzzAddContactLine -fuzztime $(FUZZTIME)

# The 50,000-member benchmarks (docs/BENCHMARKS.md); they take minutes.
bench:
	$(GO) test -tags bench -run XXX -bench . -benchmem -count 3 -timeout 120m ./store/ ./tui/cmd/ ./tui/

clean:
	rm -f postroom
