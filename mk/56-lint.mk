# SPDX-License-Identifier: BSD-2-Clause
# Static analysis of the engine: cppcheck and clang-tidy, no findings allowed.
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
	cppcheck --enable=warning,style,performance,portability --std=c11 --inline-suppr \
		$(ENGINE_CPPFLAGS) --error-exitcode=1 --quiet lib/
	@out=$$(clang-tidy --quiet --warnings-as-errors='*' -checks='$(LINT_TIDY_CHECKS)' \
		$(ENGINE_SRCS) $(ENGINE_FDT_SRCS) -- $(ENGINE_CPPFLAGS) $(CSTD) 2>&1); rc=$$?; \
		echo "$$out" | grep -v 'warnings generated' || true; \
		[ $$rc -eq 0 ] && echo "clang-tidy: no findings"; exit $$rc

CHECK_TARGETS += check-lint
