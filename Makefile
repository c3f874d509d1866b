# guise: a thin front over CMake.  Every target installs the Debian packages
# it needs first (scripts/deps.sh: only what is missing).
#
#   make            build (build/guise)
#   make run        build and serve www/ on http://127.0.0.1:8080/
#   make check      build, then every test: format, unit, end-to-end, the same
#                   again under ASan+UBSan, and the fuzzers for a bounded time
#   make bench      guise against nginx on this machine
#   make install    binary, sample modules, headers, guise-module.pc, /etc/guise, /etc/pam.d/guise,
#                   /var/log/guise (PREFIX, DESTDIR)
#   make format     apply .clang-format

BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
PYTHON      := /usr/bin/python3
JOBS        ?= $(shell nproc)
WERROR      ?= ON
FUZZ_SECONDS ?= 30
RUN_ADDRESS ?= 127.0.0.1:8080
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find src include tests modules -name '*.[ch]')

PREFIX      ?= /usr/local

.PHONY: all deps build run check format format-check unit e2e asan fuzz bench install clean

all: build

deps:
	@scripts/deps.sh all

build:
	@scripts/deps.sh build
	@cmake -S . -B $(BUILD) -DGUISE_WERROR=$(WERROR) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

run: build
	@echo "guise: serving www/ at http://$(RUN_ADDRESS)/ (Ctrl-C stops)"
	@exec $(BUILD)/guise --root www --listen $(RUN_ADDRESS) --log -

format:
	@scripts/deps.sh test
	@clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES)
	@echo "format: ok"

unit: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

e2e: build
	@GUISE_BIN=$(CURDIR)/$(BUILD)/guise $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e

asan:
	@cmake -S . -B $(ASAN_BUILD) -DGUISE_SANITIZE=ON -DGUISE_WERROR=$(WERROR) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) -- --no-print-directory
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)
	@GUISE_BIN=$(CURDIR)/$(ASAN_BUILD)/guise GUISE_SANITIZED=1 \
	    $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e

fuzz:
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DGUISE_FUZZ=ON -DGUISE_TESTS=OFF \
	    -DGUISE_WERROR=$(WERROR) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) -- --no-print-directory
	@scripts/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(JOBS)

check:
	@scripts/deps.sh build test
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory unit e2e
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory fuzz
	@echo "make check: all passed"

bench: build
	@scripts/deps.sh bench
	@bench/run --guise $(BUILD)/guise

# Honours PREFIX and DESTDIR: make install PREFIX=/usr DESTDIR=/tmp/stage.  guise-module.pc
# records PREFIX (made absolute), never DESTDIR.
# The configuration goes to /etc/guise and the PAM service to /etc/pam.d whatever PREFIX is
# (guise and libpam look there); an existing file is kept, an edited one being the
# administrator's, and the packaged one lands beside it as .dist.
# /var/log/guise is where sites log by default; guise writes there as the application pools'
# account (www-data), not as root, so the directory is that account's.  It can be chowned
# only by root and only on this machine: a staged install (DESTDIR) leaves that to the
# package's postinst.  An existing directory is left as it is.
LOG_DIR     = /var/log/guise
LOG_OWNER   = www-data

install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(abspath $(PREFIX))"
	@install -d "$(DESTDIR)/etc/guise" "$(DESTDIR)/etc/pam.d"
	@if [ -e "$(DESTDIR)/etc/guise/applicationHost.config" ]; then \
	    install -m 644 packaging/applicationHost.config "$(DESTDIR)/etc/guise/applicationHost.config.dist"; \
	    echo "kept $(DESTDIR)/etc/guise/applicationHost.config (new: applicationHost.config.dist)"; \
	else \
	    install -m 644 packaging/applicationHost.config "$(DESTDIR)/etc/guise/applicationHost.config"; \
	fi
	@if [ -e "$(DESTDIR)/etc/pam.d/guise" ]; then \
	    install -m 644 packaging/pam.d/guise "$(DESTDIR)/etc/pam.d/guise.dist"; \
	    echo "kept $(DESTDIR)/etc/pam.d/guise (new: guise.dist)"; \
	else \
	    install -m 644 packaging/pam.d/guise "$(DESTDIR)/etc/pam.d/guise"; \
	fi
	@if [ -d "$(DESTDIR)$(LOG_DIR)" ]; then \
	    echo "kept $(DESTDIR)$(LOG_DIR) as it is"; \
	elif [ -n "$(DESTDIR)" ] || [ "$$(id -u)" != 0 ] || ! id -u $(LOG_OWNER) >/dev/null 2>&1; then \
	    install -d -m 750 "$(DESTDIR)$(LOG_DIR)"; \
	    why="DESTDIR is set"; \
	    [ -n "$(DESTDIR)" ] || why="not root"; \
	    [ -n "$(DESTDIR)" ] || [ "$$(id -u)" != 0 ] || why="no $(LOG_OWNER) account"; \
	    echo "made $(DESTDIR)$(LOG_DIR) but did not chown it ($$why): guise writes there as" \
	         "$(LOG_OWNER), so run chown $(LOG_OWNER): $(LOG_DIR) where guise runs"; \
	else \
	    install -d -m 750 -o $(LOG_OWNER) -g "$$(id -gn $(LOG_OWNER))" "$(LOG_DIR)"; \
	fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
