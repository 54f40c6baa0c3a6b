#!/usr/bin/env bash
# Fuzz every parser that reads untrusted input, for a bounded time each,
# starting from the checked-in corpora (testdata/fuzz). No input may panic.
# The token decoder and verifier get the longest runs (the fast verdict
# must always equal the full report's); the rest get a shorter one.
# COGSCOPE_FUZZTIME and COGSCOPE_FUZZTIME_SHORT override the times.
set -euo pipefail
cd "$(dirname "$0")/../.."

long=${COGSCOPE_FUZZTIME:-45s}
short=${COGSCOPE_FUZZTIME_SHORT:-15s}
run() {
	local pkg=$1 target=$2 time=$3
	echo "--- $pkg $target for $time"
	# -parallel 2: the machine has 2 cores; timeout guards a hung run.
	timeout 600 go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$time" -parallel 2
}
run ./inspect FuzzDecode "$long"
run ./inspect FuzzVerify "$long"
run ./inspect FuzzParseJWKS "$short"
run ./inspect FuzzJWKSURL "$short"
run ./flows/oauth FuzzParseLoopbackRedirect "$short"
run ./flows/oauth FuzzParseWWWAuthenticate "$short"
run ./flows/oauth FuzzIDTokenClaims "$short"
run ./flows/srp FuzzParseTimestamp "$short"
run ./internal/local/hostedui FuzzAuthorize "$short"
run ./internal/local/hostedui FuzzToken "$short"
run ./internal/local/logs FuzzCompilePattern "$short"
run ./internal/logtail FuzzParseLines "$short"
