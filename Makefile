# coco-bundle — GNU make. Targets: all check demo bench install install-data uninstall clean
# lint format deps fixtures screenshot mutate fuzz fuzz-regress fuzz-coverage. SAN=1 builds
# with ASan+UBSan; objects go to build/ (build-san/ with SAN=1). VALGRIND=1 runs check, unit and cli under
# valgrind's memcheck (tests/valgrind.sh). `make fuzz FUZZ_SECONDS=N [FUZZ_JOBS=2]` builds the
# libFuzzer harnesses (tests/fuzz/) with clang into build-fuzz/ and fuzzes each for N seconds
# (new inputs go to build-fuzz/corpus/, never to the committed corpus); `make fuzz-regress` runs
# every committed input (tests/fuzz/corpus/ and tests/fuzz/regress/) once through its harness.
# Both fail on a crash. `make fuzz-coverage` reports the library's coverage reached by the corpora.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
DATADIR = $(PREFIX)/share/coco-bundle

CC ?= cc
PKGS = libcrypto libzip libxml-2.0 zlib
DEB_BUILD = build-essential pkg-config libssl-dev libcurl4-openssl-dev libzip-dev libxml2-dev zlib1g-dev check openssl unzip zip libxml2-utils qpdf poppler-utils libnss3-tools faketime libpodofo-utils python3 p7zip-full libarchive-tools ziptool \
	libengine-pkcs11-openssl p11-kit-modules softhsm2
DEB_LINT = clang-format
DEB_VALGRIND = valgrind
DEB_BENCH = time hyperfine openjdk-17-jdk-headless
DEB_FUZZ = clang libclang-rt-14-dev

# FUZZ=1 (set by `make fuzz`): the library built by clang with libFuzzer's coverage hooks and
# ASan+UBSan, for the harnesses. clang's warnings are on as for gcc.
ifeq ($(FUZZ),1)
B = build-fuzz
CC = clang
SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
OPT = -O1 -g
else ifeq ($(SAN),1)
B = build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT = -O1 -g
else
B = build
SANFLAGS =
OPT = -O2 -g
endif

# The unit suite, plainly or under memcheck. Under memcheck Check runs every test in one
# process (CK_FORK=no: one leak check at exit instead of one per forked test, 5 times faster),
# and the log is reported even when the suite fails.
ifeq ($(VALGRIND),1)
ifeq ($(SAN),1)
$(error VALGRIND=1 and SAN=1 do not mix: valgrind cannot run a sanitizer build)
endif
VG_UNIT = $(B)/valgrind-unit
RUN_UNIT = rm -rf $(VG_UNIT) && mkdir -p $(VG_UNIT) && \
	{ COCO=$(abspath $(BIN)) COCO_FIXTURES=fixtures COCO_TEST_SLOW=1 CK_FORK=no sh tests/valgrind.sh run $(VG_UNIT) $(TESTBIN); \
	rc=$$?; sh tests/valgrind.sh report $(VG_UNIT) "unit suite" && [ $$rc -eq 0 ]; }
DEPS_EXTRA = $(DEB_VALGRIND)
else
RUN_UNIT = COCO=$(abspath $(BIN)) COCO_FIXTURES=fixtures $(TESTBIN)
DEPS_EXTRA =
endif

WARN = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -Werror \
       -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wwrite-strings -Wformat=2 \
       -Wconversion -Wno-sign-conversion
DEFS = -DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libcurl is the program's alone: the TSA transport of create/countersign --tsa (src/cli/tsa.c);
# the library does no network I/O. Its headers are used at build time; the program loads
# libcurl.so.4 with dlopen when a TSA is asked, so it is not linked (CLI_LIBS is empty).
CLI_CFLAGS = $(shell pkg-config --cflags libcurl 2>/dev/null)
CLI_LIBS =
CPPFLAGS += -Iinclude -Isrc/lib $(DEFS) $(PKG_CFLAGS)
CFLAGS ?= $(OPT)
CFLAGS += $(WARN) $(SANFLAGS) -pthread -MMD -MP
LDFLAGS += $(SANFLAGS) -pthread

LIB_SRC = $(wildcard src/lib/*.c src/lib/*/*.c)
CLI_SRC = $(wildcard src/cli/*.c)
TEST_SRC = $(wildcard tests/unit/*.c)
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/embedded.o
# Files compiled into the binary by scripts/embed.sh: the schemas and the default policy.
EMBED = coco_xsd_assessment=docs/schema/coco-assessment-1.xsd \
	coco_xsd_assessment2=docs/schema/coco-assessment-2.xsd \
	coco_xsd_policy=docs/schema/coco-policy-1.xsd \
	coco_xsd_bodies=docs/schema/coco-bodies-1.xsd \
	coco_xsd_signoff=docs/schema/coco-signoff-1.xsd \
	coco_default_policy=trust/policy.xml
EMBED_FILES = $(foreach p,$(EMBED),$(lastword $(subst =, ,$(p))))
CLI_OBJ = $(CLI_SRC:%.c=$(B)/%.o)
TEST_OBJ = $(TEST_SRC:%.c=$(B)/%.o)
LIB = $(B)/libcoco.a
BIN = $(B)/coco-bundle
TESTBIN = $(B)/check_coco
MUTATE_OBJ = $(B)/tests/mutate/mutate.o $(B)/tests/unit/bundletool.o
MUTATE = $(B)/mutate
# `make mutate`: every byte of the sample bundle, then of the signed-off one (docs/SECURITY.md).
MUTATE_ARGS ?= --positions all --values 1

.PHONY: all check unit cli demo bench install install-data uninstall clean lint format deps \
	deps-lint fixtures screenshot mutate fuzz fuzz-regress fuzz-coverage fuzz-build deps-fuzz \
	FORCE

all: deps $(BIN)

# Installs missing Debian build packages (as root, or via sudo), once per machine.
deps:
	@./scripts/install-deps.sh $(DEB_BUILD) $(DEPS_EXTRA)

deps-lint:
	@./scripts/install-deps.sh $(DEB_LINT)

deps-fuzz: deps
	@./scripts/install-deps.sh $(DEB_FUZZ)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The default trust directory is compiled into common.o. $(B)/prefix records it and is
# rewritten only when it changes, so that `make install PREFIX=X` after a build with another
# PREFIX rebuilds the program instead of installing one that looks elsewhere.
TRUST_DEFAULT = $(DATADIR)/trust
$(B)/prefix: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(TRUST_DEFAULT)' | cmp -s - $@ || printf '%s\n' '$(TRUST_DEFAULT)' >$@

$(B)/src/cli/common.o: CPPFLAGS += -DCOCO_DEFAULT_TRUST='"$(TRUST_DEFAULT)"'
$(B)/src/cli/common.o: $(B)/prefix
$(B)/src/cli/tsa.o: CPPFLAGS += $(CLI_CFLAGS)
# --pkcs11-module's default: p11-kit's proxy, which loads every PKCS#11 module registered with
# p11-kit (SoftHSM2, OpenSC's smart-card module), in the build machine's multiarch folder.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
P11_MODULE ?= /usr/lib/$(if $(MULTIARCH),$(MULTIARCH)/,)p11-kit-proxy.so
$(CLI_OBJ): CPPFLAGS += -DCOCO_DEFAULT_P11_MODULE='"$(P11_MODULE)"'

$(B)/gen/embedded.c: scripts/embed.sh $(EMBED_FILES)
	@mkdir -p $(dir $@)
	sh scripts/embed.sh $@ $(EMBED)

$(B)/gen/embedded.o: $(B)/gen/embedded.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS) $(CLI_LIBS)

$(TEST_OBJ): CPPFLAGS += $(shell pkg-config --cflags check 2>/dev/null) \
	$(if $(filter 1,$(SAN)),-DCOCO_TEST_SAN)

# The library's fsync and renames go through tests/unit/fault.c, which can make one fail.
$(TESTBIN): $(TEST_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -Wl,--wrap=fsync,--wrap=rename,--wrap=renameat2 -o $@ $(TEST_OBJ) $(LIB) $(PKG_LIBS) \
		$(shell pkg-config --libs check 2>/dev/null)

$(B)/tests/mutate/mutate.o: CPPFLAGS += -Itests/unit

$(MUTATE): $(MUTATE_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(MUTATE_OBJ) $(LIB) $(PKG_LIBS)

# Single-byte mutations of the sample bundle: none may verify PASSED with other data objects.
mutate: deps $(MUTATE)
	COCO_FIXTURES=fixtures $(MUTATE) $(MUTATE_ARGS)
	COCO_FIXTURES=fixtures $(MUTATE) $(MUTATE_ARGS) --signoff

# The unit suite runs the binary too (the hostile corpus, check_hostile.c).
check: deps $(BIN) $(TESTBIN)
	$(RUN_UNIT)
	VALGRIND=$(VALGRIND) COCO=$(abspath $(BIN)) sh tests/cli/run.sh

unit: deps $(BIN) $(TESTBIN)
	$(RUN_UNIT)

cli: deps $(BIN)
	VALGRIND=$(VALGRIND) COCO=$(abspath $(BIN)) sh tests/cli/run.sh

demo: deps $(BIN)
	COCO=$(abspath $(BIN)) sh scripts/demo.sh

bench: deps $(BIN)
	@./scripts/install-deps.sh $(DEB_BENCH)
	COCO=$(abspath $(BIN)) sh bench/run.sh

fixtures:
	bash fixtures/mkfixtures.sh

# ---- fuzzing (tests/fuzz/README) ----
FUZZ_NAMES = archive manifest cms assessment pdf verify
FUZZ_BIN = $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)
FUZZ_COMMON = $(B)/tests/fuzz/fuzz.o $(B)/tests/fuzz/zipmut.o
FUZZ_OBJ = $(FUZZ_COMMON) $(FUZZ_NAMES:%=$(B)/tests/fuzz/fuzz_%.o)
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1

$(FUZZ_OBJ): CPPFLAGS += -DCOCO_FUZZ_SRCDIR='"$(CURDIR)"'

$(B)/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_COMMON) $(LIB) $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps-fuzz
	$(MAKE) FUZZ=1 fuzz-build
	sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZ_ONLY)

fuzz-regress: deps-fuzz
	$(MAKE) FUZZ=1 fuzz-build
	sh tests/fuzz/run.sh regress $(FUZZ_ONLY)

# What the corpora reach: the harnesses built for clang source coverage (no sanitizers) in
# build-fuzz-cov/, each corpus run once, llvm-cov's per-file report of src/lib.
fuzz-coverage: deps-fuzz
	$(MAKE) FUZZ=1 B=build-fuzz-cov \
		SANFLAGS='-fsanitize=fuzzer-no-link -fprofile-instr-generate -fcoverage-mapping' fuzz-build
	sh tests/fuzz/coverage.sh $(FUZZ_ONLY)

# docs/signoff-sheet.png, the sample sign-off sheet, rendered by Debian's chromium.
screenshot: deps $(BIN)
	COCO=$(abspath $(BIN)) sh scripts/screenshot.sh docs/signoff-sheet.png

# The program and man page, then the data (scripts/install-data.sh): the XSDs, and the trust
# directory installed as Debian installs conffiles: an edited policy.xml is kept (the new
# default goes beside it as policy.xml.dist), and uninstall removes only the files that are
# still as installed (DATADIR/installed.sha256 records them), listing the ones it keeps.
install: $(BIN) install-data
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/coco-bundle
	install -m 0644 docs/coco-bundle.1 $(DESTDIR)$(MANDIR)/coco-bundle.1

install-data:
	sh scripts/install-data.sh install '$(DESTDIR)$(DATADIR)'

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/coco-bundle $(DESTDIR)$(MANDIR)/coco-bundle.1
	sh scripts/install-data.sh uninstall '$(DESTDIR)$(DATADIR)'

clean:
	rm -rf build build-san build-fuzz build-fuzz-cov

FORMAT_SRC = $(wildcard include/coco/*.h src/lib/*.[ch] src/lib/*/*.[ch] src/cli/*.[ch] tests/unit/*.[ch] \
	tests/mutate/*.c tests/fuzz/*.[ch])

lint: deps-lint
	clang-format --dry-run -Werror $(FORMAT_SRC)
	@! grep -nE '\<(strcpy|strcat|sprintf|vsprintf|atoi|atol|strtok|gets|system)[[:space:]]*\(' $(FORMAT_SRC) \
		|| { echo 'lint: banned call (see STYLE: strcpy strcat sprintf atoi strtok gets system)'; exit 1; }
	@sh scripts/lint-ids.sh src
	@echo 'lint: clean'

format:
	clang-format -i $(FORMAT_SRC)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(MUTATE_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)
