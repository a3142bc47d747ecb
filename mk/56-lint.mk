# SPDX-License-Identifier: BSD-2-Clause
# Static analysis, no findings allowed: vpsci-run's include graph against its
# layers (scripts/check-layers, docs/design.md); the engine and vpsci-run with
# clang-tidy; the engine with cppcheck (style class included), vpsci-run and
# the guest with cppcheck's warning, performance and portability classes (its
# style opinions, such as narrowing variable scopes, are not enforced there).
# Disabled clang-tidy checks, and why:
#   clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling:
#     asks for C11 Annex K (memcpy_s, ...), which glibc does not provide;
#   bugprone-easily-swappable-parameters: the engine's handlers share one
#     signature by design (struct vpsci_vm *, caller, args, result);
#   cert-err33-c: snprintf into a fixed buffer sized for the longest name.
LINT_TIDY_CHECKS := -*,bugprone-*,cert-*,clang-analyzer-*,\
-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,\
-bugprone-easily-swappable-parameters,-cert-err33-c

.PHONY: check-lint
check-lint:
	scripts/check-layers --selftest
	scripts/check-layers
	cppcheck --enable=warning,style,performance,portability --std=c11 --inline-suppr \
		$(ENGINE_CPPFLAGS) --error-exitcode=1 --quiet lib/
	cppcheck --enable=warning,performance,portability --std=c11 --inline-suppr -D__aarch64__ \
		$(ENGINE_CPPFLAGS) -I$(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu \
		-I$(ARM64_SYSROOT)/usr/include --error-exitcode=1 --quiet vmm/
	cppcheck --enable=warning,performance,portability --std=c11 --inline-suppr -D__aarch64__ \
		$(ENGINE_CPPFLAGS) -Iguest -Iguest/runtime --error-exitcode=1 --quiet guest/
	@out=$$(clang-tidy --quiet --warnings-as-errors='*' -checks='$(LINT_TIDY_CHECKS)' \
		$(ENGINE_SRCS) $(ENGINE_FDT_SRCS) -- $(ENGINE_CPPFLAGS) $(CSTD) 2>&1 && \
		clang-tidy --quiet --warnings-as-errors='*' -checks='$(LINT_TIDY_CHECKS)' \
		$(VMM_SRCS) -- $(ENGINE_CPPFLAGS) -Ivmm -std=gnu11 -D_GNU_SOURCE --target=aarch64-linux-gnu \
		-isystem $(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu \
		-isystem $(ARM64_SYSROOT)/usr/include -isystem /usr/aarch64-linux-gnu/include 2>&1); \
		rc=$$?; \
		echo "$$out" | grep -v 'warnings generated' || true; \
		[ $$rc -eq 0 ] && echo "clang-tidy: no findings"; exit $$rc

CHECK_TARGETS += check-lint
