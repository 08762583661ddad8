# tcptool: plain make, gcc or clang.  User CFLAGS/CPPFLAGS/LDFLAGS come last.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(shell pkg-config --define-variable=datadir=$(DATADIR) --variable=completionsdir bash-completion 2>/dev/null || echo $(DATADIR)/bash-completion/completions)
# Debian's zsh searches vendor-completions under /usr, site-functions under /usr/local.
ZSHCOMPDIR ?= $(if $(filter /usr,$(PREFIX)),$(DATADIR)/zsh/vendor-completions,$(DATADIR)/zsh/site-functions)
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
INSTALL ?= install

VERSION := $(shell cat VERSION)
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-align -Wwrite-strings -Wundef -Wvla
HARDEN_CPPFLAGS := $(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS)),,-D_FORTIFY_SOURCE=2)
ALL_CPPFLAGS = -D_GNU_SOURCE -DTCPTOOL_VERSION='"$(VERSION)"' -Isrc $(PCAP_CPPFLAGS) $(HARDEN_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS = -std=c17 $(WARN) -fstack-protector-strong -fPIE -Werror=format-security $(SAN_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro -Wl,-z,now $(SAN_LDFLAGS) $(LDFLAGS)

# make SAN=1: AddressSanitizer + UndefinedBehaviorSanitizer build in its own folder.
ifeq ($(SAN),1)
BUILD := build-san
HARDEN_CPPFLAGS :=
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined
export ASAN_OPTIONS := exitcode=86:detect_leaks=1
export UBSAN_OPTIONS := exitcode=87:print_stacktrace=1
else
BUILD := build
endif
BIN := $(BUILD)/tcptool

# make check VALGRIND=1: every tcptool the suite starts runs under valgrind's
# memcheck (tests/helpers/valgrind-tcptool); a memory error or a definite
# leak exits 98, which fails the test.
ifeq ($(VALGRIND),1)
TEST_BIN = $(CURDIR)/tests/helpers/valgrind-tcptool
export TCPTOOL_UNDER_VALGRIND := $(CURDIR)/$(BIN)
else
TEST_BIN = $(CURDIR)/$(BIN)
endif

# --trace captures with libpcap where pkg-config finds it; make PCAP=0 builds without.
PCAP ?= $(shell pkg-config --exists libpcap 2>/dev/null && echo 1 || echo 0)
ifeq ($(PCAP),1)
PCAP_CPPFLAGS := -DHAVE_PCAP $(shell pkg-config --cflags libpcap)
PCAP_LIBS := $(shell pkg-config --libs libpcap)
endif

SHELL := /bin/bash
.SECONDEXPANSION:
# src/: main and the command line; src/cmd/: the commands; src/view/: what
# users see; src/net/: sockets and what moves over them; src/kernel/: what
# the kernel tells about the host; src/base/: the clock and the formatters.
# All but main go into one static library, which tcptool and the unit tests
# link.
LAYERS := cmd view net kernel base
SRCS := $(wildcard src/*.c $(LAYERS:%=src/%/*.c))
OBJS := $(SRCS:src/%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libtcptool.a
LIB_OBJS := $(filter-out $(BUILD)/main.o,$(OBJS))

.PHONY: all check check-suite check-user bench bench-smoke demo fuzz lint install uninstall clean
all: tcptool

# ./tcptool is always the plain build; SAN=1 builds only $(BUILD)/tcptool.
tcptool: $(BIN)
ifneq ($(SAN),1)
	cp $(BIN) $@.tmp && mv -f $@.tmp $@
endif

$(BIN): $(BUILD)/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(BUILD)/main.o $(LIB) $(PCAP_LIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: src/%.c | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD):
	mkdir -p $@

# net/capture.o and net/capture_file.o are built with or without libpcap: a change of PCAP rebuilds them.
$(BUILD)/capture.flags: FORCE | $(BUILD)
	@echo '$(PCAP)' | cmp -s - $@ || echo '$(PCAP)' > $@
$(BUILD)/net/capture.o $(BUILD)/net/capture_file.o: $(BUILD)/capture.flags
FORCE:

# The unit tests of pure functions link the library.
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit-%.o)
$(BUILD)/unit: $(UNIT_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) $(LIB) $(PCAP_LIBS)

$(BUILD)/unit-%.o: tests/unit/%.c | $(BUILD)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d) $(UNIT_OBJS:.o=.d)

# make check first installs what the suite needs (tests/deps.sh: as root,
# or through sudo; DEPS=0 skips that), then runs it in a new make, so that a
# libpcap installed just now is seen by the build.
# tests/run.sh runs bats: Debian's package when it is there, else a pinned
# npm install in .deps/.
BATS_NPM_DIR ?= $(CURDIR)/.deps
BATSFLAGS ?=
TESTS ?= tests/
DEPS ?= 1
# With other goals on the same command line (make -j all check), check waits
# for them, so that two makes never build the same objects at once.
check: $(filter-out check check-suite check-user,$(MAKECMDGOALS))
ifneq ($(DEPS),0)
	@tests/deps.sh install check
endif
	@$(MAKE) --no-print-directory check-suite

check-suite: $(BIN) $(BUILD)/unit
	@TCPTOOL=$(TEST_BIN) TCPTOOL_UNIT=$(CURDIR)/$(BUILD)/unit BATS_NPM_DIR=$(BATS_NPM_DIR) \
	  tests/run.sh $(BUILD)/test-report $(BATSFLAGS) $(TESTS)

# The suite as an unprivileged user: as root, a copy of the tree owned by
# nobody runs make check there; as anyone else, make check itself.
check-user:
	@tests/as-user.sh $(MAKE) --no-print-directory check DEPS=0

# Static analysis, clean or failing: cppcheck and clang-tidy (.clang-tidy
# says which checks and why) over the C, shellcheck over every shell file,
# mandoc over the manual, and tests/layers.sh over the includes: they point
# only down the layers.
LINT_C = src/*.c src/*/*.c tests/unit/*.c tests/bench/*.c tests/fuzz/*.c tests/helpers/*.c
lint:
	cppcheck --quiet --error-exitcode=1 --inline-suppr --enable=warning,portability,performance \
	  --std=c11 -D_GNU_SOURCE -DTCPTOOL_VERSION='"$(VERSION)"' $(filter -D%,$(PCAP_CPPFLAGS)) -Isrc $(LINT_C)
	clang-tidy --quiet src/*.c src/*/*.c -- -std=c17 -D_GNU_SOURCE -DTCPTOOL_VERSION='"$(VERSION)"' $(PCAP_CPPFLAGS) -Isrc 2>/dev/null
	shellcheck -x .ci/run tests/*.sh tests/bench/*.sh
	shellcheck -s bash tests/*.bats tests/helpers/*.bash completions/tcptool.bash
	mandoc -Tlint -W warning man/tcptool.1
	tests/layers.sh
	@echo "lint: clean"

# Fuzzing with libFuzzer (clang): each target under ASan and UBSan for
# FUZZ_SECONDS, starting from its seed corpus in tests/fuzz/corpus/NAME.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := sockdiag args report segment sockopt
FUZZ_SRCS_sockdiag := src/kernel/sockdiag.c src/kernel/procnet.c src/net/tcpinfo.c src/kernel/socklist.c \
  src/kernel/owners.c src/kernel/diag_bytecode.c
FUZZ_SRCS_args := src/args.c src/args_hint.c src/net/sock.c src/net/sockopt.c src/net/tcp_state.c src/base/clock.c
FUZZ_SRCS_report := src/view/report.c src/net/sock.c src/net/sockopt.c src/base/clock.c src/base/format.c src/base/textbuf.c
FUZZ_SRCS_sockopt := src/net/sockopt.c src/view/sockopt_report.c src/view/report.c src/base/clock.c \
  src/base/format.c src/base/textbuf.c
FUZZ_SRCS_segment := src/net/segment.c src/view/trace_format.c src/view/ladder.c src/view/report.c src/net/sock.c src/net/sockopt.c \
  src/base/clock.c src/base/format.c src/base/textbuf.c src/net/tcp_state.c
# tcptool trace's reading of a capture file, after libpcap's: with libpcap only.
ifeq ($(PCAP),1)
FUZZ_TARGETS += capture
endif
FUZZ_SRCS_capture := src/net/capture_file.c src/net/conn_table.c $(FUZZ_SRCS_segment) src/view/trace_file.c \
  src/base/charset.c
FUZZ_FLAGS_capture := $(PCAP_CPPFLAGS)
FUZZ_LIBS_capture := $(PCAP_LIBS)
fuzz: $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus-$$t; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=build-fuzz/ -close_fd_mask=3 \
	    build-fuzz/corpus-$$t tests/fuzz/corpus/$$t 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss|==.*ERROR|SUMMARY)' ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_%)
	mkdir -p build-fuzz
	$(FUZZ_CC) -D_GNU_SOURCE -Isrc $(FUZZ_FLAGS_$*) -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ $^ $(FUZZ_LIBS_$*)

# Benchmarks, not part of check: tcptool's servers against a minimal epoll
# server in C (tests/bench/minserver.c), the seeds' Python
# servers, socat and ncat; its relay against nc, ncat and socat; start-up
# times; info --watch's CPU over 10,000 sockets; connect --load into
# listen --discard against iperf3 (tests/bench/servers.sh, relay.sh,
# measure.sh, startup.sh, watch.sh for the knobs).
# bench-smoke runs each in a tiny form and fails only if one is broken.
BENCH_TOOLS = $(BUILD)/loadgen $(BUILD)/spawn $(BUILD)/minserver
BENCH_ENV = TCPTOOL=$(CURDIR)/tcptool LOADGEN=$(CURDIR)/$(BUILD)/loadgen SPAWN=$(CURDIR)/$(BUILD)/spawn \
  MINSERVER=$(CURDIR)/$(BUILD)/minserver
bench: tcptool $(BENCH_TOOLS)
	$(BENCH_ENV) tests/bench/servers.sh
	$(BENCH_ENV) tests/bench/relay.sh
	$(BENCH_ENV) tests/bench/measure.sh
	$(BENCH_ENV) tests/bench/startup.sh
	$(BENCH_ENV) tests/bench/watch.sh

bench-smoke: tcptool $(BENCH_TOOLS)
	$(BENCH_ENV) tests/bench/smoke.sh

$(BENCH_TOOLS): $(BUILD)/%: tests/bench/%.c | $(BUILD)
	$(CC) -std=c17 $(WARN) -O2 -o $@ $<

# A listener, a client, both names and the handshake time, on loopback.
demo: tcptool
	@rm -f .demo-*; ./tcptool listen -b 127.0.0.1 0 </dev/null >.demo-received 2>.demo-listen & \
	for i in $$(seq 50); do port=$$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\).*/\1/p' .demo-listen); \
	  [ -n "$$port" ] && break; sleep 0.1; done; \
	echo "$$ tcptool listen -b 127.0.0.1 0 &"; cat .demo-listen; \
	echo "$$ tcptool connect --half-close --send hello 127.0.0.1 $$port"; \
	./tcptool connect --half-close --send hello 127.0.0.1 $$port 2>&1; wait; \
	echo "(the listener's events)"; sed 1d .demo-listen; \
	echo "(the listener's stdout)"; cat .demo-received; echo; rm -f .demo-*

install: tcptool
	$(INSTALL) -Dm755 tcptool $(DESTDIR)$(BINDIR)/tcptool
	$(INSTALL) -Dm644 man/tcptool.1 $(DESTDIR)$(MANDIR)/man1/tcptool.1
	$(INSTALL) -Dm644 completions/tcptool.bash $(DESTDIR)$(BASHCOMPDIR)/tcptool
	$(INSTALL) -Dm644 completions/_tcptool $(DESTDIR)$(ZSHCOMPDIR)/_tcptool
	$(INSTALL) -Dm644 completions/tcptool.fish $(DESTDIR)$(FISHCOMPDIR)/tcptool.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tcptool $(DESTDIR)$(MANDIR)/man1/tcptool.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/tcptool $(DESTDIR)$(ZSHCOMPDIR)/_tcptool \
	  $(DESTDIR)$(FISHCOMPDIR)/tcptool.fish

clean:
	rm -rf build build-san build-fuzz tcptool
