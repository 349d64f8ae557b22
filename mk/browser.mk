# browser.mk - the chat page (web/) in a real browser: tests/t-web-browser.py
# drives Debian's chromium with playwright-core from npm, pinned in
# tests/browser/package-lock.json (node_modules there is not committed).
#
#   make browser-deps     npm ci in tests/browser (the browser download skipped)
#   make screenshots      run the browser test, then copy its screenshots
#                         (build/screenshots/) into tests/screenshots/
#   make page-size        the page's files gzipped, and their total (max 20 KiB);
#                         make size shows it too
#
# Debian 12's nodejs brings no npm; NodeSource's nodejs has its own npm (and
# conflicts with Debian's), so npm is asked for only where none is there.
TEST_PKGS += chromium nodejs $(if $(shell command -v npm 2>/dev/null),,npm)

PAGE_FILES   := $(sort $(wildcard web/*))
PAGE_BUDGET  := 20480
BROWSER_DIR  := tests/browser

.PHONY: browser-deps screenshots page-size
browser-deps: deps
	@cd $(BROWSER_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
check: browser-deps

screenshots: all
	@rm -f build/screenshots/*.png
	@ONLY=web-browser tests/run.sh x86_64
	@mkdir -p tests/screenshots
	@cp build/screenshots/*.png tests/screenshots/
	@echo "screenshots: $$(ls tests/screenshots | tr '\n' ' ')"

page-size:
	@total=0; printf '%-22s %8s %8s\n' "page file" bytes gzipped; \
	for f in $(PAGE_FILES); do \
		raw=$$(wc -c <$$f); gz=$$(gzip -9n <$$f | wc -c); total=$$((total + gz)); \
		printf '%-22s %8d %8d\n' "$$f" $$raw $$gz; \
	done; \
	printf '%-22s %8s %8d  (budget %d)\n' "(whole page)" "" $$total $(PAGE_BUDGET); \
	[ $$total -le $(PAGE_BUDGET) ] || { echo "page-size: over the budget" >&2; exit 1; }
size: page-size
