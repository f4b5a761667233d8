# One-command entry points. Each installs what is missing first.
#   make run    build accord and start the registry on 127.0.0.1:8081 (data in ./accord-data);
#               make run PORT=8082 DATA=/tmp/accord-data to change them (unset, accord serve's
#               own settings apply: ACCORD_LISTEN, ACCORD_DATA, ACCORD_CONFIG, then defaults)
#   make cluster    build, then three replicas on PostgreSQL behind nginx (scripts/cluster up)
#   make example    validate the bundled example events (SCHEMA=FILE EVENTS=PATH for others)
#   make test   build and run the whole test suite (what CI runs), then say which peer
#               suites did not run for want of their data (scripts/fetch-testdata)
#   make sanitize   the test suite under ASan + UBSan
#   make bench-registry   registry benchmark (tests/bench/registry-bench) on a Release
#                   build in build-bench/; BENCH_ARGS="--parts a --duration 30" to adjust
#   make bench-connections   connection flood + 500-client load test (tests/bench/conn-flood-bench,
#                   load-bench), same build
#   make bench-replicas   three replicas on one private PostgreSQL (tests/bench/replicas-bench),
#                   same build; BENCH_ARGS="--parts a --clients 12" to adjust
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps build run cluster example test sanitize clean

deps:
	@scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

# PORT and DATA become flags only when given: a flag wins over the
# environment, so passing the defaults as flags would hide ACCORD_LISTEN.
PORT ?=
DATA ?=
run: build
	$(BUILD)/cli/accord serve $(if $(PORT),--listen 127.0.0.1:$(PORT)) $(if $(DATA),--data $(DATA))

# Three replicas on a private PostgreSQL behind nginx (scripts/cluster;
# `scripts/cluster down` stops them).
cluster: build
	scripts/cluster up --accord $(BUILD)/cli/accord

SCHEMA ?= examples/order-placed/schema.json
EVENTS ?= examples/order-placed/events
example: build
	$(BUILD)/cli/accord validate --schema $(SCHEMA) $(EVENTS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS); rc=$$?; cd $(CURDIR); \
	  scripts/fetch-testdata --status || true; exit $$rc

sanitize:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DACCORD_SANITIZE=ON -DACCORD_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug"

clean:
	rm -rf build build-asan

.PHONY: bench-registry
BENCH_BUILD ?= build-bench
BENCH_ARGS ?=
bench-registry:
	ACCORD_BENCH_DEPS=1 scripts/install-deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target accord register_load
	tests/bench/registry-bench --accord $(BENCH_BUILD)/cli/accord $(BENCH_ARGS)

.PHONY: bench-connections
# The connection flood and the 500-client load test (issue 15; docs/benchmarks.md).
bench-connections:
	scripts/install-deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target accord register_load
	tests/bench/conn-flood-bench --accord $(BENCH_BUILD)/cli/accord
	tests/bench/load-bench --accord $(BENCH_BUILD)/cli/accord

.PHONY: bench-replicas
bench-replicas:
	ACCORD_BENCH_DEPS=1 scripts/install-deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target accord register_load
	tests/bench/replicas-bench --accord $(BENCH_BUILD)/cli/accord $(BENCH_ARGS)
