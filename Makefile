# One-command entry points. Each installs what is missing first.
#   make run    build accord (Release, build-release/) and start the registry on 127.0.0.1:8081
#               (data in ./accord-data); make run PORT=8082 DATA=/tmp/accord-data to change
#               them (unset, accord serve's own settings apply: ACCORD_LISTEN, ACCORD_DATA,
#               ACCORD_CONFIG, then defaults)
#   make package    the Debian package build-release/accord_VERSION_ARCH.deb (CPack)
#   make install    install accord into PREFIX (default /usr/local; cmake --install build-release)
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
RELEASE_BUILD ?= build-release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# WERROR=ON: warnings in Accord's own code fail the build (CI sets it).
WERROR ?= OFF
PREFIX ?=

.PHONY: deps build release run package install cluster example test sanitize clean

deps:
	@scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DACCORD_WERROR=$(WERROR) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

# The accord binary alone (no tests), optimised, stripped, its debug
# information split off into $(RELEASE_BUILD)/cli/accord.debug; with its man
# page and shell completions.
release: deps
	cmake -S . -B $(RELEASE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DACCORD_SPLIT_DEBUG=ON \
	  -DACCORD_BUILD_TESTS=OFF -DACCORD_WERROR=$(WERROR) $(CMAKE_FLAGS)
	cmake --build $(RELEASE_BUILD) -j $(JOBS) --target accord accord_share

# PORT and DATA become flags only when given: a flag wins over the
# environment, so passing the defaults as flags would hide ACCORD_LISTEN.
PORT ?=
DATA ?=
run: release
	$(RELEASE_BUILD)/cli/accord serve $(if $(PORT),--listen 127.0.0.1:$(PORT)) $(if $(DATA),--data $(DATA))

package: release
	cd $(RELEASE_BUILD) && cpack -G DEB

install: release
	cmake --install $(RELEASE_BUILD) $(if $(PREFIX),--prefix $(PREFIX))

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
	rm -rf build build-asan build-release

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
