# newsflow — build, test, demo.
#
#   make            build/newsflow and build/kafka-mock
#   make deps       install the Debian packages the build and tests need
#   make test       unit + integration tests; last line "N passed, N failed"
#   make demo       the main job on the bundled mock broker
#   make memcheck   unit tests under valgrind (no error, no leak)
#   make soak SOAK_SECONDS=N   long run with faults; fails on RSS/fd growth
#   make fuzz FUZZ_SECONDS=N [FUZZ_TARGETS="tag rules"]   libFuzzer harnesses
#   make deploy-check  validate deploy/ (YAML/JSON, config keys, Dockerfile,
#                   systemd unit, the image's ENTRYPOINT against kafka-mock)
#   make SANITIZE=address,undefined ...   instrumented build (under build-san/)
#
# Sources are found by directory, so adding a file needs no Makefile edit:
#   common/ processors/       -> libnewsflow-core (no Kafka)
#   consumer/ producer/       -> Kafka client layer
#   stage/*.c                 -> the newsflow binary (stage/kafka_mock.c is its own binary)
#   tests/unit/test_*.c       -> one cmocka binary each
#   tests/tools/*.c           -> test drivers (link Kafka + core)
#   bench/*.c                 -> benchmark / evaluation programs

PKGS      := rdkafka jansson yajl libpcre2-8 libutf8proc libxxhash libxml-2.0 libexttextcat libmicrohttpd zlib
TEST_PKGS := cmocka
DEB_PKGS  := build-essential pkg-config librdkafka-dev libjansson-dev libyajl-dev libpcre2-dev \
             libutf8proc-dev libxxhash-dev libxml2-dev libexttextcat-dev libmicrohttpd-dev zlib1g-dev \
             libcmocka-dev kcat iso-codes python3 python3-yaml valgrind clang libclang-rt-dev

CC      ?= cc
ifeq ($(CC),cc)
CC := gcc
endif
BUILD   ?= build
ifneq ($(SANITIZE),)
BUILD   := build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

OPT      ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(OPT) -Wall -Wextra -Wshadow -Wstrict-prototypes \
            -Wno-unused-parameter -MMD -MP -I. $(SANFLAGS) \
            $(EXTRA_CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

CORE_SRC  := $(wildcard common/*.c processors/*.c)
KAFKA_SRC := $(wildcard consumer/*.c producer/*.c)
STAGE_SRC := $(filter-out stage/main.c stage/kafka_mock.c,$(wildcard stage/*.c))
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
KAFKA_OBJ := $(KAFKA_SRC:%.c=$(BUILD)/%.o)
STAGE_OBJ := $(STAGE_SRC:%.c=$(BUILD)/%.o)
LIB_OBJ   := $(CORE_OBJ) $(KAFKA_OBJ) $(STAGE_OBJ)

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: fuzz fuzz-build
# Keep object files of bench, test and fuzz programs between runs.
.SECONDARY:
.PHONY: all deps test unit-test integration-test demo bench clean format format-check \
        eval-html eval-dedup eval-tag check-deps deploy-check
all: $(BUILD)/newsflow $(if $(wildcard stage/kafka_mock.c),$(BUILD)/kafka-mock)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# clean_rules.c builds deploy/rules/boilerplate.txt into the binary (.incbin),
# which -MMD cannot see.
$(BUILD)/processors/clean_rules.o: deploy/rules/boilerplate.txt

$(BUILD)/libnewsflow.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/newsflow: $(BUILD)/stage/main.o $(BUILD)/libnewsflow.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/kafka-mock: $(BUILD)/stage/kafka_mock.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libnewsflow.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

$(BUILD)/tools/%: $(BUILD)/tests/tools/%.o $(BUILD)/libnewsflow.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libnewsflow.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer harnesses: everything rebuilt with clang, ASan and UBSan.
$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/libnewsflow.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BIN)
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang SANITIZE=address,undefined \
	  EXTRA_CFLAGS=-fsanitize=fuzzer-no-link fuzz-build
	@BUILD=build-fuzz tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# deps: idempotent. Installs only what is missing; explains itself when not root.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: missing packages:$$missing"; \
	  echo "deps: run 'sudo make deps' or 'sudo apt-get install$$missing'"; exit 1; fi; \
	echo "deps: installing$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	  && echo "deps: installed$$missing"

# gen_articles: the bad-input test's good records and the soak's stream.
tests-build: all $(UNIT_BIN) $(TOOL_BIN) $(BUILD)/bench/gen_articles
.PHONY: tests-build memcheck soak

test: deps
	@$(MAKE) --no-print-directory tests-build
	@BUILD=$(BUILD) tests/run.sh

unit-test: deps
	@$(MAKE) --no-print-directory tests-build
	@BUILD=$(BUILD) tests/run.sh unit

integration-test: deps
	@$(MAKE) --no-print-directory tests-build
	@BUILD=$(BUILD) tests/run.sh integration

# Every unit test under valgrind memcheck: zero errors, zero leaks.
memcheck: deps
	@$(MAKE) --no-print-directory $(UNIT_BIN)
	@BUILD=$(BUILD) tests/memcheck.sh

# The stage on kafka-mock for SOAK_SECONDS under a steady stream with 5% bad
# input and broker faults; fails when RSS or open fds grow (tests/soak.sh).
SOAK_SECONDS ?= 900
soak: deps
	@$(MAKE) --no-print-directory tests-build
	@BUILD=$(BUILD) tests/soak.sh $(SOAK_SECONDS)

demo: deps
	@$(MAKE) --no-print-directory all $(TOOL_BIN)
	@BUILD=$(BUILD) stage/demo.sh

deploy-check: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) deploy/check.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) bench/run.sh

eval-html eval-dedup eval-tag: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@BUILD=$(BUILD) bench/$@.sh

format:
	clang-format -i $(wildcard */*.c */*.h tests/*/*.c)

format-check:
	clang-format --dry-run --Werror $(wildcard */*.c */*.h tests/*/*.c)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
