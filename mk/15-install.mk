# SPDX-License-Identifier: BSD-2-Clause
# Installing libvpsci: headers, static and shared libraries of libvpsci and
# libvpsci-fdt, pkg-config files, man pages; vpsci-run where it runs.
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=...] [INCLUDEDIR=...] [MANDIR=...]
#   make uninstall                  the same variables; removes what install wrote
#   make install-vpsci-run          vpsci-run and vpsci-run(1) ($(BINDIR)); part of
#                                   make install on an arm64 host
#   make check-install              install into a scratch DESTDIR, build the README's
#                                   example there with pkg-config (shared and static),
#                                   run it, then uninstall and check nothing is left
#
# LIBDIR defaults to Debian's multiarch directory ($(PREFIX)/lib/<triplet>, from
# dpkg-architecture, else $(CC) -print-multiarch), else $(PREFIX)/lib.
# Exit status: 0 done; 1 a check failed; 2 a tool is missing.

PREFIX ?= /usr/local
DESTDIR ?=
MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || \
		$(CC) -print-multiarch 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PCDIR = $(LIBDIR)/pkgconfig
INSTALL ?= install

ENGINE_PUB_HDRS := $(sort $(wildcard include/vpsci/*.h))
MAN3 := docs/man/libvpsci.3
# vpsci-run(1) is generated from docs/vpsci-run.md, leaving out the sections
# about this repository; dated by SOURCE_DATE_EPOCH (Debian) or the last commit.
MAN1 := $(BUILD)/man/vpsci-run.1
MAN_EPOCH = $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),0)
$(MAN1): docs/vpsci-run.md scripts/md2man mk/15-install.mk
	@mkdir -p $(dir $@)
	awk -f scripts/md2man -v date=$$(date -u -d @$(MAN_EPOCH) +%Y-%m-%d) \
		-v version=$(VPSCI_VERSION_STRING) -v skip='BUILDING AND TESTING|MEASURED' \
		-v see='**libvpsci**(3).' $< > $@

# Both pages format without a groff warning; libvpsci(3) names this version.
.PHONY: man check-man
man: $(MAN1)
check-man: $(MAN1) $(MAN3)
	@for m in $^; do \
		w=$$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 $$m 2>&1); \
		[ -z "$$w" ] || { echo "check-man: FAIL: $$m: $$w"; exit 1; }; \
	done
	@grep -q '^\.TH LIBVPSCI 3 .* "vpsci $(VPSCI_VERSION_STRING)"' $(MAN3) || \
		{ echo "check-man: FAIL: $(MAN3) does not say vpsci $(VPSCI_VERSION_STRING)"; exit 1; }
	@echo "check-man: $(notdir $^) format cleanly"
CHECK_TARGETS += check-man

# $(1) = a directory under $(PREFIX): as ${prefix}/..., else as given.
pc_rel = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
# $(1) = name, $(2) = description, $(3) = -l flag, $(4) = extra lines: a .pc file on stdout.
define pc_file
printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(call pc_rel,$(LIBDIR))' \
	'includedir=$(call pc_rel,$(INCLUDEDIR))' '' 'Name: $(1)' 'Description: $(2)' \
	'Version: $(VPSCI_VERSION_STRING)' 'Libs: -L$${libdir} $(3)' \
	'Cflags: -I$${includedir}' $(4)
endef
PC_VPSCI = $(call pc_file,vpsci,PSCI engine for virtual machines (Arm DEN0022),-lvpsci,)
PC_FDT_DESC := Device-tree nodes from a libvpsci engine (libfdt)
PC_VPSCI_FDT = $(call pc_file,vpsci-fdt,$(PC_FDT_DESC),-lvpsci-fdt,'Requires: vpsci' 'Libs.private: -lfdt')

# The build tree's copies describe the configured PREFIX; install writes its own.
$(ENGINE_PC): mk/15-install.mk mk/10-engine.mk
	@mkdir -p $(dir $@)
	$(PC_VPSCI) > $@
$(ENGINE_FDT_PC): mk/15-install.mk mk/10-engine.mk
	@mkdir -p $(dir $@)
	$(PC_VPSCI_FDT) > $@

ifeq ($(HOST_ARCH),aarch64)
INSTALL_EXTRA := install-vpsci-run
UNINSTALL_EXTRA := uninstall-vpsci-run
endif

# $(1) = library name: the real file and its two links into $(DESTDIR)$(LIBDIR).
define install_so
	$(INSTALL) -m 644 $(BUILD)/lib/$(1).so.$(VPSCI_VERSION_STRING) $(DESTDIR)$(LIBDIR)/
	ln -sfn $(1).so.$(VPSCI_VERSION_STRING) $(DESTDIR)$(LIBDIR)/$(1).so.$(VPSCI_SOVERSION)
	ln -sfn $(1).so.$(VPSCI_SOVERSION) $(DESTDIR)$(LIBDIR)/$(1).so
endef

INSTALLED_LIB_FILES := $(foreach l,libvpsci libvpsci-fdt,$(l).a $(l).so \
	$(l).so.$(VPSCI_SOVERSION) $(l).so.$(VPSCI_VERSION_STRING))

.PHONY: install uninstall install-vpsci-run uninstall-vpsci-run check-install
install: libs $(INSTALL_EXTRA)
	$(INSTALL) -d $(DESTDIR)$(INCLUDEDIR)/vpsci $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR) \
		$(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 644 $(ENGINE_PUB_HDRS) $(DESTDIR)$(INCLUDEDIR)/vpsci/
	$(INSTALL) -m 644 $(ENGINE_LIB) $(ENGINE_FDT_LIB) $(DESTDIR)$(LIBDIR)/
	$(call install_so,libvpsci)
	$(call install_so,libvpsci-fdt)
	$(PC_VPSCI) > $(DESTDIR)$(PCDIR)/vpsci.pc
	$(PC_VPSCI_FDT) > $(DESTDIR)$(PCDIR)/vpsci-fdt.pc
	$(INSTALL) -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/

uninstall: $(UNINSTALL_EXTRA)
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/vpsci/,$(notdir $(ENGINE_PUB_HDRS))) \
		$(addprefix $(DESTDIR)$(LIBDIR)/,$(INSTALLED_LIB_FILES)) \
		$(DESTDIR)$(PCDIR)/vpsci.pc $(DESTDIR)$(PCDIR)/vpsci-fdt.pc \
		$(DESTDIR)$(MANDIR)/man3/$(notdir $(MAN3))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/vpsci 2>/dev/null

install-vpsci-run: $(VMM_BIN) $(MAN1)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 $(VMM_BIN) $(DESTDIR)$(BINDIR)/vpsci-run
	$(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/

uninstall-vpsci-run:
	rm -f $(DESTDIR)$(BINDIR)/vpsci-run $(DESTDIR)$(MANDIR)/man1/$(notdir $(MAN1))

# A fresh scratch root each time; PREFIX=/usr as a distribution would use.
CHECK_INSTALL_DIR := $(BUILD)/check-install
CHECK_INSTALL_VARS = PREFIX=/usr LIBDIR=$(CHECK_LIBDIR) DESTDIR=$(abspath $(CHECK_INSTALL_DIR))/root
CHECK_LIBDIR := /usr/lib$(if $(MULTIARCH),/$(MULTIARCH))
check-install: libs
	rm -rf $(CHECK_INSTALL_DIR)
	$(MAKE) --no-print-directory install $(CHECK_INSTALL_VARS)
	tests/install/build-example $(CHECK_INSTALL_DIR)/root $(CHECK_LIBDIR) $(CHECK_INSTALL_DIR)
	$(MAKE) --no-print-directory uninstall $(CHECK_INSTALL_VARS)
	@left=$$(find $(CHECK_INSTALL_DIR)/root -type f -o -type l); \
	if [ -n "$$left" ]; then echo "check-install: FAIL: uninstall left $$left"; exit 1; fi; \
	echo "check-install: uninstall removed every file"

CHECK_TARGETS += check-install
