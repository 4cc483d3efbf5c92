# Harbour: one Makefile, pkg-config for every dependency.
#   make            build harbourd and harbour into build/
#   make run        install missing packages, build, make dev certs, start harbourd
#   make test       build and run the unit and end-to-end tests
#   make check      the same suite under AddressSanitizer + UBSan (leaks fail)
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each (default 60)
#   make bench      load tests beside the reference server (see tests/bench)

BUILD	?= build
PREFIX	?= /usr/local
CC	?= cc
VERSION	 = 0.1.0

PKGS	 = libevent libevent_openssl libevent_pthreads openssl sqlite3 jansson libargon2 libsystemd \
	   libbsd libmagic
# chat's input line: libedit, BSD-licensed with readline's callback API
# (GNU readline is GPL). Only the client calls it; linking it everywhere
# keeps one LIBS.
PKGS	+= libedit
WARN	 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
OPT	?= -O2
CFLAGS	?= $(OPT) -g
DEF_CFLAGS = -Iproto -Idaemon -DHARBOUR_VERSION='"$(VERSION)"' \
	   $(shell pkg-config --cflags $(PKGS))
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) $(DEF_CFLAGS)
LIBS	 = $(shell pkg-config --libs $(PKGS)) -lpthread
TEST_LIBS = $(shell pkg-config --libs criterion)

ifeq ($(SAN),1)
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT	 = -O1
endif

PROTO_SRCS  = $(wildcard proto/*.c)
DAEMON_SRCS = $(filter-out daemon/main.c,$(wildcard daemon/*.c))
CLIENT_SRCS = $(wildcard client/*.c)
UNIT_SRCS   = $(wildcard tests/unit/*.c)
E2E_SRCS    = $(wildcard tests/e2e/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

all: $(BUILD)/harbourd $(BUILD)/harbour

HDRS	 = $(wildcard proto/*.h daemon/*.h client/*.h tests/e2e/*.h tests/unit/*.h)

$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iclient -Itests/e2e -c -o $@ $<

$(BUILD)/harbourd: $(call obj,daemon/main.c $(DAEMON_SRCS) $(PROTO_SRCS))
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/harbour: $(call obj,$(CLIENT_SRCS) $(PROTO_SRCS))
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# The client's iCalendar writer is self-contained, and unit-tested too.
UNIT_CLIENT = client/ical.c

$(BUILD)/test-unit: $(call obj,$(UNIT_SRCS) $(DAEMON_SRCS) $(PROTO_SRCS) $(UNIT_CLIENT))
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(BUILD)/test-e2e: $(call obj,$(E2E_SRCS) $(PROTO_SRCS))
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

certs/dev/ca.crt: certs/mkcerts.sh
	sh certs/mkcerts.sh certs/dev

# The tests find the binaries and certificates through the environment.
TEST_ENV = HARBOUR_BUILD=$(CURDIR)/$(BUILD) HARBOUR_CERTS=$(CURDIR)/certs/dev
CRITERION_JOBS ?= 2

# Fresh machine: install what is missing first (quick when nothing is).
deps:
	@sh scripts/deps.sh

test: deps
	$(MAKE) test-run

test-run: all $(BUILD)/test-unit $(BUILD)/test-e2e certs/dev/ca.crt
	$(TEST_ENV) $(BUILD)/test-unit --jobs $(CRITERION_JOBS)
	$(TEST_ENV) $(BUILD)/test-e2e --jobs $(CRITERION_JOBS)
	$(TEST_ENV) sh tests/ops/run.sh

SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:exitcode=23 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 HARBOUR_SANITIZED=1

check: deps
	$(MAKE) BUILD=build-san SAN=1 all build-san/test-unit build-san/test-e2e certs/dev/ca.crt
	$(SAN_ENV) HARBOUR_BUILD=$(CURDIR)/build-san HARBOUR_CERTS=$(CURDIR)/certs/dev \
		build-san/test-unit --jobs $(CRITERION_JOBS)
	$(SAN_ENV) HARBOUR_BUILD=$(CURDIR)/build-san HARBOUR_CERTS=$(CURDIR)/certs/dev \
		build-san/test-e2e --jobs 1

# Fuzzers: the daemon and codec compiled again by clang, with the same
# warnings, for coverage and under ASan + UBSan; linked like test-unit.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -g -O1 -fno-omit-frame-pointer \
	      -fsanitize=address,undefined -fno-sanitize-recover=undefined $(DEF_CFLAGS)
fuzzobj = $(patsubst %.c,$(BUILD)/fuzz-obj/%.o,$(1))

$(BUILD)/fuzz-obj/%.o: %.c $(wildcard proto/*.h daemon/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz-proto: $(call fuzzobj,tests/fuzz/fuzz-proto.c $(PROTO_SRCS))
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(shell pkg-config --libs jansson libcrypto)
$(BUILD)/fuzz-cmd: $(call fuzzobj,tests/fuzz/fuzz-cmd.c $(DAEMON_SRCS) $(PROTO_SRCS))
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)
$(BUILD)/fuzz-hours: $(call fuzzobj,tests/fuzz/fuzz-hours.c daemon/hours.c daemon/util.c)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ -lpthread

fuzz: deps $(BUILD)/fuzz-proto $(BUILD)/fuzz-cmd $(BUILD)/fuzz-hours
	@mkdir -p $(BUILD)/fuzz-corpus $(BUILD)/fuzz-corpus-cmd $(BUILD)/fuzz-corpus-hours
	$(BUILD)/fuzz-proto -max_total_time=$(FUZZ_SECONDS) -max_len=70000 \
		-artifact_prefix=$(BUILD)/fuzz-proto- \
		$(BUILD)/fuzz-corpus tests/fuzz/corpus
	$(BUILD)/fuzz-cmd -max_total_time=$(FUZZ_SECONDS) -max_len=20000 \
		-timeout=30 -dict=tests/fuzz/cmd.dict -artifact_prefix=$(BUILD)/fuzz-cmd- \
		$(BUILD)/fuzz-corpus-cmd tests/fuzz/corpus-cmd
	$(BUILD)/fuzz-hours -max_total_time=$(FUZZ_SECONDS) -max_len=640 \
		-dict=tests/fuzz/hours.dict -artifact_prefix=$(BUILD)/fuzz-hours- \
		$(BUILD)/fuzz-corpus-hours tests/fuzz/corpus-hours

# make run: a working server on 127.0.0.1:7443 with its database in ./var.
run: deps
	$(MAKE) all certs/dev/ca.crt
	sh scripts/run.sh $(BUILD)

bench: all certs/dev/ca.crt
	sh tests/bench/run.sh $(if $(QUICK),--quick)

# The load generator alone, as run.sh builds it (run.sh builds it again,
# so that `sh tests/bench/run.sh` needs no make).
BENCH_PKGS = libevent libevent_openssl openssl jansson
$(BUILD)/bench-loadgen: $(wildcard tests/bench/loadgen*.[ch]) $(PROTO_SRCS) $(wildcard proto/*.h)
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -O2 -g -Iproto -Itests/bench \
		$(shell pkg-config --cflags $(BENCH_PKGS)) -o $@ $(filter %.c,$^) \
		$(shell pkg-config --libs $(BENCH_PKGS)) -lm

SYSCONFDIR ?= /etc
UNITDIR	   ?= $(PREFIX)/lib/systemd/system
MAN_PAGES   = man/harbour.1 man/harbourd.conf.5 man/harbour-protocol.7 man/harbourd.8

# make install [PREFIX=/usr/local] [DESTDIR=...]
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(PREFIX)/lib/sysusers.d $(DESTDIR)$(PREFIX)/lib/tmpfiles.d \
		$(DESTDIR)$(SYSCONFDIR)/harbour
	install -m 0755 $(BUILD)/harbourd $(BUILD)/harbour $(DESTDIR)$(PREFIX)/bin/
	for m in $(MAN_PAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/ || exit 1; done
	sed 's|@BINDIR@|$(PREFIX)/bin|g' systemd/harbourd.service > \
		$(DESTDIR)$(UNITDIR)/harbourd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/harbourd.service
	install -m 0644 systemd/harbour.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/harbour.conf
	install -m 0644 systemd/harbour.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/harbour.conf
	install -m 0644 etc/harbourd.conf.example $(DESTDIR)$(SYSCONFDIR)/harbour/

clean:
	rm -rf build build-san

.PHONY: all deps test test-run check fuzz run bench clean install
