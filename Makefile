# ceh - continuing-education hour verification toolkit.
# Targets: all (./ceh), check, demo, install, clean, check-valgrind, bench, fuzz.
# SANITIZE=1 builds with AddressSanitizer and UBSan into build-san/.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/ceh
LIBDIR ?= $(PREFIX)/lib/ceh
LOCALEDIR ?= $(PREFIX)/share/locale
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
# Not linked: loaded on first use by lib/lazy.c (not every command needs
# them; libzip and libxlsxwriter bring libcrypto in), so only
# their headers here and their sonames in $(B)/gen/sonames.h.  libcsv has
# no pkg-config file.
LAZY_PKGS = yaml-0.1 libzip xlsxwriter expat libqrencode freexl nettle \
	libsodium
LAZY_LIBS = yaml-0.1:yaml libzip:zip xlsxwriter:xlsxwriter expat:expat \
	libqrencode:qrencode freexl:freexl nettle:nettle libsodium:sodium \
	libcsv:csv
# The PDF renderer is a module (slip-pdf.so, loaded by print-slip only), so
# pango, cairo and fontconfig are not loaded by every other command.
PDF_PKGS = pangocairo cairo-pdf fontconfig
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Wvla -Wundef
override CPPFLAGS += -D_GNU_SOURCE -DZIP_DISABLE_DEPRECATED -Ilib -Icmd \
	-DCEH_DATADIR='"$(DATADIR)"' -DCEH_LIBDIR='"$(LIBDIR)"' \
	-DCEH_LOCALEDIR='"$(LOCALEDIR)"'
override CFLAGS += $(WARN) \
	$(shell pkg-config --cflags $(LAZY_PKGS) 2>/dev/null)
LDLIBS =
PDF_CFLAGS = $(shell pkg-config --cflags $(PDF_PKGS) 2>/dev/null)
PDF_LIBS = $(shell pkg-config --libs $(PDF_PKGS) 2>/dev/null)

ifeq ($(SANITIZE),1)
B ?= build-san
override CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
override LDFLAGS += -fsanitize=address,undefined
BIN = $(B)/ceh
else ifdef B
BIN = $(B)/ceh
else
B = build
BIN = ceh
endif
ifeq ($(WERROR),1)
override CFLAGS += -Werror
endif

LIB_SRC = $(sort $(wildcard lib/*.c))
CMD_SRC = $(sort $(wildcard cmd/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
CMD_OBJ = $(CMD_SRC:%.c=$(B)/%.o) $(B)/gen/help_pages.o
# Messages (po/zh_CN.po) and the long help of `ceh help CMD` (the man
# pages, English and Chinese, rendered at build time).
MO = $(B)/locale/zh_CN/LC_MESSAGES/ceh.mo
MAN_CMD = $(sort $(wildcard man/ceh-*.1))
MAN_ZH = $(sort $(wildcard man/zh_CN/*.[157]))
XGETTEXT_FLAGS = --from-code=UTF-8 --language=C -k_ -kN_ -kQ_:1,2 \
	--add-comments=TRANSLATORS: --package-name=ceh --no-location \
	--sort-output
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
# Fuzz targets (tests/fuzz/NAME.c): replay binaries for check, libFuzzer
# binaries for `make fuzz FUZZ_SECONDS=N` (clang, into build-fuzz/).
FUZZ_SRC = $(filter-out tests/fuzz/replay.c,$(sort $(wildcard tests/fuzz/*.c)))
FUZZ_REPLAY = $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%.fuzz)
FUZZ_SECONDS ?= 10
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
# Benchmark tools (tests/bench/*.c): store generator and floors.
BENCH_BIN = $(B)/bench/genstore $(B)/bench/csvfloor $(B)/bench/durable_rename
BENCH_SCALE ?= 1
# The power-loss test's call recorder (preloaded; never sanitized).
TORTURE_LIB = $(B)/torture/oplog.so

PLUGIN = $(B)/slip-pdf.so

all: $(BIN) $(MO)

$(B)/%.o: %.c $(wildcard lib/*.h) $(wildcard cmd/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/gen/sonames.h: tools/soname.sh Makefile
	@mkdir -p $(dir $@)
	sh tools/soname.sh "$(CC)" $(LAZY_LIBS) > $@.tmp && mv $@.tmp $@

$(B)/lib/lazy.o: $(B)/gen/sonames.h
$(B)/lib/lazy.o: override CPPFLAGS += -I$(B)/gen

$(B)/gen/help_pages.c: tools/helpgen.sh $(MAN_CMD) $(MAN_ZH)
	@mkdir -p $(dir $@)
	sh tools/helpgen.sh $@ $(MAN_CMD)

$(B)/gen/help_pages.o: $(B)/gen/help_pages.c cmd/help.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(MO): po/zh_CN.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ po/zh_CN.po

# po/ceh.pot from the sources, and po/zh_CN.po brought up to date with it
# (new messages then need their translation: tests/1701 fails until then)
pot:
	xgettext $(XGETTEXT_FLAGS) -o po/ceh.pot $(LIB_SRC) $(CMD_SRC) \
		lib/plugin/slip_pdf.c
	msgmerge -q -U --backup=none --no-location --sort-output \
		po/zh_CN.po po/ceh.pot

$(B)/libceh.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

# The whole archive, and the functions the PDF module calls back into
# exported (only those: $(B)/exports.list, from the module's undefined
# symbols; names the executable does not define are ignored).
$(BIN): $(CMD_OBJ) $(B)/libceh.a $(PLUGIN) $(B)/exports.list
	$(CC) $(LDFLAGS) -Wl,--dynamic-list=$(B)/exports.list -o $@ \
		$(CMD_OBJ) -Wl,--whole-archive $(B)/libceh.a \
		-Wl,--no-whole-archive $(LDLIBS)

$(B)/exports.list: $(PLUGIN)
	{ echo '{'; nm -D --undefined-only $(PLUGIN) | \
		sed -n 's/^ *U \([A-Za-z_][A-Za-z0-9_]*\).*/  \1;/p'; \
		echo '};'; } > $@.tmp && mv $@.tmp $@

# The folders of the slip's fonts, as fontconfig finds them here.
$(B)/gen/slip_fonts.h: tools/slipfonts.sh lib/slip_render.h
	@mkdir -p $(dir $@)
	sh tools/slipfonts.sh lib/slip_render.h > $@.tmp && mv $@.tmp $@

# -z now: the module's own symbols are all bound when it is loaded (a
# module that calls what this ceh lacks is refused then), while the forty
# libraries under it bind lazily (slip_render.c loads it RTLD_LAZY): most
# of their thousands of functions are never called.
$(PLUGIN): lib/plugin/slip_pdf.c $(wildcard lib/*.h) $(B)/gen/slip_fonts.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -I$(B)/gen $(CFLAGS) $(PDF_CFLAGS) -fPIC -shared \
		$(LDFLAGS) -Wl,-z,now -o $@ $< $(PDF_LIBS)

$(B)/unit/%: tests/unit/%.c tests/unit/tap.h $(B)/libceh.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< \
		$(B)/libceh.a $(LDLIBS)

$(B)/fuzz/%.fuzz: tests/fuzz/%.c tests/fuzz/fuzz.h $(B)/libceh.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DFUZZ_DATADIR='"$(CURDIR)/data"' $(CFLAGS) \
		-fsanitize=fuzzer -Itests/fuzz -o $@ $< $(B)/libceh.a $(LDLIBS)

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h tests/fuzz/replay.c \
		$(B)/libceh.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DFUZZ_DATADIR='"$(CURDIR)/data"' $(CFLAGS) \
		-Itests/fuzz $(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
		$(B)/libceh.a $(LDLIBS)

$(TORTURE_LIB): tests/torture/oplog.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -fPIC -shared -o $@ $< -ldl

$(B)/bench/%: tests/bench/%.c $(B)/libceh.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libceh.a $(LDLIBS)

bench: deps
	@$(MAKE) --no-print-directory $(BIN) $(BENCH_BIN)
	@CEH_BIN=$(CURDIR)/$(BIN) BENCH_BUILD=$(CURDIR)/$(B)/bench \
		BENCH_SCALE=$(BENCH_SCALE) sh tests/bench/run.sh

fuzz-targets: $(FUZZ_BIN)

fuzz: deps
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang \
		CFLAGS='$(FUZZ_CFLAGS)' fuzz-targets
	@sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

deps:
	@sh tools/deps.sh check

check: deps
	@$(MAKE) --no-print-directory $(BIN) $(MO) $(UNIT_BIN) $(FUZZ_REPLAY) $(BENCH_BIN) \
		$(TORTURE_LIB)
	@CEH_BIN=$(CURDIR)/$(BIN) CEH_BUILD=$(CURDIR)/$(B) sh tests/run.sh

check-valgrind: deps
	@$(MAKE) --no-print-directory $(BIN) $(MO) $(UNIT_BIN) $(FUZZ_REPLAY) $(BENCH_BIN)
	@CEH_VALGRIND=1 CEH_BIN=$(CURDIR)/$(BIN) CEH_BUILD=$(CURDIR)/$(B) \
		sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory $(BIN) $(MO)
	@CEH_BIN=$(CURDIR)/$(BIN) sh examples/demo.sh

install: $(BIN) $(MO) install-completion
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)/codes $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/ceh
	install -m 644 $(PLUGIN) $(DESTDIR)$(LIBDIR)/slip-pdf.so
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	for f in man/*.5 man/*.7; do [ -f "$$f" ] || continue; \
		s=$${f##*.}; install -m 644 $$f $(DESTDIR)$(MANDIR)/man$$s/; done
	install -m 644 data/codes/*.yaml $(DESTDIR)$(DATADIR)/codes/
	install -m 644 $(MO) $(DESTDIR)$(LOCALEDIR)/zh_CN/LC_MESSAGES/ceh.mo
	for f in $(MAN_ZH); do s=$${f##*.}; \
		install -d $(DESTDIR)$(MANDIR)/zh_CN/man$$s; \
		install -m 644 $$f $(DESTDIR)$(MANDIR)/zh_CN/man$$s/; done

# bash and zsh completion (completion/), also alone
install-completion:
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 completion/ceh.bash $(DESTDIR)$(BASHCOMPDIR)/ceh
	install -m 644 completion/_ceh $(DESTDIR)$(ZSHCOMPDIR)/_ceh

clean:
	rm -rf build build-san build-* ceh

.PHONY: all deps check check-valgrind demo install install-completion clean \
	fuzz fuzz-targets \
	bench pot
