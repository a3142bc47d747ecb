# SPDX-License-Identifier: BSD-2-Clause
# libvpsci (the engine) and libvpsci-fdt (its device-tree companion).
#
#   $(BUILD)/lib/libvpsci.a, libvpsci.so.1*          host build
#   $(BUILD)/lib/libvpsci-fdt.a, libvpsci-fdt.so.1*  host build, needs libfdt
#   $(BUILD)/lib/pkgconfig/vpsci.pc, vpsci-fdt.pc    for the default PREFIX (mk/15-install.mk)
#   $(BUILD)/arm64/lib/libvpsci{,-fdt}.a             aarch64 cross build (static)
#   make libs                                        the host libraries only
#   make check-symbols                               only vpsci_* symbols defined
#
# Symbol hygiene: the objects are compiled -fvisibility=hidden, the public
# functions marked VPSCI_EXPORT. Each library is first linked into one
# relocatable object (ld -r) whose hidden symbols objcopy then makes local,
# so the static libraries define only vpsci_* globals too: a VMM with its
# own psci_cpu_on() or vm_alloc() links against libvpsci.a. The tests,
# fuzzers and sanitizer builds compile the sources themselves and see
# everything. The shared libraries take a version script (lib/*.map).

VPSCI_VERSION_STRING := 1.0.0
VPSCI_SOVERSION := 1

ENGINE_SRCS := $(filter-out lib/vpsci_fdt.c,$(sort $(wildcard lib/*.c)))
ENGINE_FDT_SRCS := lib/vpsci_fdt.c
ENGINE_HDRS := $(wildcard include/vpsci/*.h lib/*.h)
ENGINE_CPPFLAGS := -Iinclude
ENGINE_CFLAGS := $(CSTD) $(WARN) $(OPT) -fvisibility=hidden
OBJCOPY ?= objcopy
# Debian's build flags (hardening, -ffile-prefix-map) when dpkg-buildpackage sets them.
ENGINE_LDFLAGS := $(LDFLAGS)

ENGINE_LIB := $(BUILD)/lib/libvpsci.a
ENGINE_SO := $(BUILD)/lib/libvpsci.so.$(VPSCI_VERSION_STRING)
ENGINE_FDT_LIB := $(BUILD)/lib/libvpsci-fdt.a
ENGINE_FDT_SO := $(BUILD)/lib/libvpsci-fdt.so.$(VPSCI_VERSION_STRING)
ENGINE_PC := $(BUILD)/lib/pkgconfig/vpsci.pc
ENGINE_FDT_PC := $(BUILD)/lib/pkgconfig/vpsci-fdt.pc
ENGINE_LIB_ARM64 := $(BUILD)/arm64/lib/libvpsci.a
ENGINE_FDT_LIB_ARM64 := $(BUILD)/arm64/lib/libvpsci-fdt.a

ALL_TARGETS += engine
.PHONY: engine engine-arm64 libs check-symbols
# libs: the host libraries alone (what make install and the Debian build need).
libs: $(ENGINE_LIB) $(ENGINE_SO) $(ENGINE_FDT_LIB) $(ENGINE_FDT_SO) $(ENGINE_PC) $(ENGINE_FDT_PC)
engine: libs
# The arm64 rules are in mk/25-engine-arm64.mk, after the testbed fragment
# has defined the arm64 sysroot (libfdt headers).

# Link the prerequisites into one relocatable object $@ with only its
# default-visibility (VPSCI_EXPORT) symbols global. $(1) = ld, $(2) = objcopy.
define engine_localise
	@mkdir -p $(dir $@)
	$(1) -r -o $@.tmp $^
	$(2) --localize-hidden $@.tmp $@
	rm -f $@.tmp
endef

# Host objects: PIC so the same objects serve the static and shared library.
$(BUILD)/obj/%.o: %.c $(ENGINE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CPPFLAGS) $(CPPFLAGS) $(ENGINE_CFLAGS) $(CFLAGS) -fPIC -c $< -o $@

$(BUILD)/lib/vpsci.o: $(ENGINE_SRCS:%.c=$(BUILD)/obj/%.o)
	$(call engine_localise,$(LD),$(OBJCOPY))

$(BUILD)/lib/vpsci-fdt.o: $(ENGINE_FDT_SRCS:%.c=$(BUILD)/obj/%.o)
	$(call engine_localise,$(LD),$(OBJCOPY))

$(ENGINE_LIB): $(BUILD)/lib/vpsci.o
	rm -f $@ && $(AR) rcs $@ $^

$(ENGINE_FDT_LIB): $(BUILD)/lib/vpsci-fdt.o
	rm -f $@ && $(AR) rcs $@ $^

# $(1) = library name; the real file, libNAME.so.1 and libNAME.so links.
define engine_so_links
	ln -sf $(1).so.$(VPSCI_VERSION_STRING) $(BUILD)/lib/$(1).so.$(VPSCI_SOVERSION)
	ln -sf $(1).so.$(VPSCI_SOVERSION) $(BUILD)/lib/$(1).so
endef

$(ENGINE_SO): $(BUILD)/lib/vpsci.o lib/libvpsci.map
	$(CC) -shared $(ENGINE_LDFLAGS) -Wl,-soname,libvpsci.so.$(VPSCI_SOVERSION) \
		-Wl,--version-script=lib/libvpsci.map -Wl,-z,defs -o $@ $<
	$(call engine_so_links,libvpsci)

$(ENGINE_FDT_SO): $(BUILD)/lib/vpsci-fdt.o lib/libvpsci-fdt.map $(ENGINE_SO)
	$(CC) -shared $(ENGINE_LDFLAGS) -Wl,-soname,libvpsci-fdt.so.$(VPSCI_SOVERSION) \
		-Wl,--version-script=lib/libvpsci-fdt.map -Wl,-z,defs -o $@ $< \
		-L$(BUILD)/lib -lvpsci -lfdt
	$(call engine_so_links,libvpsci-fdt)

# Defined global symbols other than vpsci_*: none allowed, in the static
# libraries (both builds) and the shared ones; every vpsci_* function of a
# static library must be exported, with a version, by its shared library.
# The arm64 archives join in mk/25-engine-arm64.mk (CHECK_SYMBOLS_ARM64).
CHECK_SYMBOLS := scripts/check-symbols
# And a program with functions named like the internals links statically.
check-symbols: $(ENGINE_LIB) $(ENGINE_FDT_LIB) $(ENGINE_SO) $(ENGINE_FDT_SO) $(BUILD)/abi/clash
	$(CHECK_SYMBOLS) $(ENGINE_LIB) $(ENGINE_SO)
	$(CHECK_SYMBOLS) $(ENGINE_FDT_LIB) $(ENGINE_FDT_SO)
	$(CHECK_SYMBOLS_ARM64)
	$(BUILD)/abi/clash
	@$(call symbols_agree,lib/libvpsci.map,debian/libvpsci1.symbols)
	@$(call symbols_agree,lib/libvpsci-fdt.map,debian/libvpsci-fdt1.symbols)

# The Debian symbols file lists exactly the version script's symbols, with their node.
define symbols_agree
	a=$$(awk '/^[A-Z].*{/ { v = $$1 } /^\t\tvpsci_/ { sub(/;/, ""); print $$1 "@" v }' $(1) | sort); \
	b=$$(sed -n 's/^ \(vpsci_[^ ]*\) .*/\1/p' $(2) | sort); \
	[ "$$a" = "$$b" ] || { echo "check-symbols: FAIL: $(1) and $(2) list different symbols"; \
		exit 1; }; echo "check-symbols: $(2) lists the symbols of $(1)"
endef

$(BUILD)/abi/clash: tests/abi/clash.c $(ENGINE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CPPFLAGS) $(CSTD) $(WARN) -O2 $< $(ENGINE_LIB) -o $@

CHECK_TARGETS += check-symbols
