# SPDX-License-Identifier: BSD-2-Clause
# Debian packages (debian/, docs/packaging.md).
#
#   make check-deb   copy the tree to $(BUILD)/deb/vpsci, build the binary packages there
#                    with dpkg-buildpackage -us -uc -b, run lintian on them (no errors
#                    allowed), unpack them into a scratch root (dpkg -x) and build and
#                    run the README's example against it with pkg-config
#
# The copy keeps dpkg-buildpackage's output (written next to the source
# tree) inside $(BUILD), and this tree's build/ out of the package build.
# Exit status: 0 passed; 1 a build, lintian or the example failed; 2 a tool is missing.

DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/vpsci
DEB_ROOT := $(DEB_DIR)/root
DEB_TOOLS := dpkg-buildpackage dh lintian
DEB_MISSING := $(strip $(foreach t,$(DEB_TOOLS),$(if $(shell command -v $(t) 2>/dev/null),,$(t))))

.PHONY: check-deb
check-deb:
ifneq ($(DEB_MISSING),)
	@echo "check-deb: missing $(DEB_MISSING) (Debian packages dpkg-dev, debhelper," \
		"lintian): run 'make setup'" >&2; exit 2
endif
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC) $(DEB_ROOT)
	git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' | \
		xargs -0 cp --parents -t $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b > ../build.log 2>&1 || \
		{ tail -40 ../build.log; exit 1; }
	@ls $(DEB_DIR)/*.deb
	lintian --fail-on error --tag-display-limit 0 $(DEB_DIR)/*.changes
	for d in $(DEB_DIR)/*.deb; do case $$d in *-dbgsym_*) ;; *) dpkg -x $$d $(DEB_ROOT);; esac; done
	tests/install/build-example $(DEB_ROOT) /usr/lib/$(MULTIARCH) $(DEB_DIR)/example
	@echo "check-deb: $$(ls $(DEB_DIR)/*.deb | grep -vc dbgsym) packages built, lintian" \
		"reports no error, the README example builds against them"

CHECK_FULL_TARGETS += check-deb
