#!/usr/bin/env bash
# The hosted-UI sign-in in a real browser: headless Debian Chromium (driven
# over the DevTools protocol by chromedp) signs in on the local stack's
# login page, handed the authorize URL by the real
# `cogscope login --flow pkce --no-browser --json`, and the test asserts the
# tokens the CLI prints; a second test walks the pages' other states (a
# wrong password, TOTP MFA with a wrong code, a required new password).
# Screenshots of every page are kept in $COGSCOPE_ARTIFACTS.
set -euo pipefail
cd "$(dirname "$0")/../.."

chromium=${COGSCOPE_CHROMIUM:-}
if [ -z "$chromium" ]; then
	for c in chromium chromium-browser; do
		if command -v "$c" >/dev/null 2>&1; then
			chromium=$(command -v "$c")
			break
		fi
	done
fi
if [ -z "$chromium" ]; then
	# .ci/run installs it when it runs as root; without it, skip.
	echo "warning: no Chromium (apt-get install chromium, or set COGSCOPE_CHROMIUM): browser end-to-end test skipped" >&2
	exit 0
fi
"$chromium" --version 2>/dev/null || true

tmp="${COGSCOPE_CI_TMP:-$(mktemp -d)}"
bin="$tmp/cogscope-browser-e2e"
go build -o "$bin" ./cmd/cogscope

# Outside COGSCOPE_CI_TMP, which .ci/run removes at the end.
artifacts="${COGSCOPE_ARTIFACTS:-${TMPDIR:-/tmp}/cogscope-artifacts}"
mkdir -p "$artifacts"

COGSCOPE_BROWSER_E2E=1 COGSCOPE_CHROMIUM="$chromium" COGSCOPE_BIN="$bin" COGSCOPE_ARTIFACTS="$artifacts" \
	timeout 300 go test ./internal/interop -count=1 -run '^(TestBrowserPKCE|TestBrowserLoginPages|TestBrowserFederatedPKCE)$' -v
echo "screenshots: $artifacts/hosted-ui-*.png"
ls "$artifacts"/hosted-ui-*.png
