# SPDX-License-Identifier: BSD-2-Clause
# libvpsci (the engine) and libvpsci-fdt (its device-tree companion).
#
#   $(BUILD)/lib/libvpsci.a, libvpsci.so.*      host build
#   $(BUILD)/lib/libvpsci-fdt.a                 host build, needs libfdt
#   $(BUILD)/lib/pkgconfig/vpsci.pc
#   $(BUILD)/arm64/lib/libvpsci{,-fdt}.a        aarch64 cross build (static)

VPSCI_VERSION_STRING := 0.1.0
VPSCI_SOVERSION := 0

ENGINE_SRCS := $(filter-out lib/vpsci_fdt.c,$(sort $(wildcard lib/*.c)))
ENGINE_FDT_SRCS := lib/vpsci_fdt.c
ENGINE_HDRS := $(wildcard include/vpsci/*.h lib/*.h)
ENGINE_CPPFLAGS := -Iinclude
ENGINE_CFLAGS := $(CSTD) $(WARN) $(OPT) -fvisibility=hidden

ENGINE_LIB := $(BUILD)/lib/libvpsci.a
ENGINE_SO := $(BUILD)/lib/libvpsci.so.$(VPSCI_VERSION_STRING)
ENGINE_FDT_LIB := $(BUILD)/lib/libvpsci-fdt.a
ENGINE_PC := $(BUILD)/lib/pkgconfig/vpsci.pc
ENGINE_LIB_ARM64 := $(BUILD)/arm64/lib/libvpsci.a
ENGINE_FDT_LIB_ARM64 := $(BUILD)/arm64/lib/libvpsci-fdt.a

ALL_TARGETS += engine
.PHONY: engine engine-arm64
engine: $(ENGINE_LIB) $(ENGINE_SO) $(ENGINE_FDT_LIB) $(ENGINE_PC)
# The arm64 rules are in mk/25-engine-arm64.mk, after the testbed fragment
# has defined the arm64 sysroot (libfdt headers).

# Host objects: PIC so the same objects serve the static and shared library.
$(BUILD)/obj/%.o: %.c $(ENGINE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CPPFLAGS) $(ENGINE_CFLAGS) -fPIC -c $< -o $@

$(ENGINE_LIB): $(ENGINE_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(ENGINE_SO): $(ENGINE_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libvpsci.so.$(VPSCI_SOVERSION) -o $@ $^
	ln -sf libvpsci.so.$(VPSCI_VERSION_STRING) $(BUILD)/lib/libvpsci.so.$(VPSCI_SOVERSION)
	ln -sf libvpsci.so.$(VPSCI_SOVERSION) $(BUILD)/lib/libvpsci.so

$(ENGINE_FDT_LIB): $(ENGINE_FDT_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(ENGINE_PC): mk/10-engine.mk
	@mkdir -p $(dir $@)
	printf '%s\n' 'prefix=/usr/local' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: vpsci' 'Description: PSCI engine for virtual machines' \
		'Version: $(VPSCI_VERSION_STRING)' 'Libs: -L$${libdir} -lvpsci' \
		'Cflags: -I$${includedir}' > $@
