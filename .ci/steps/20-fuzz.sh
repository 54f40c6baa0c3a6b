#!/usr/bin/env bash
# Fuzz the token decoder and the verifier for a bounded time each, starting
# from the checked-in corpus (inspect/testdata/fuzz). No input may panic,
# and the fast verdict must always equal the full report's.
# COGSCOPE_FUZZTIME overrides the time per target (default 45s).
set -euo pipefail
cd "$(dirname "$0")/../.."

fuzztime=${COGSCOPE_FUZZTIME:-45s}
for target in FuzzDecode FuzzVerify; do
	echo "--- $target for $fuzztime"
	# -parallel 2: the machine has 2 cores; timeout guards a hung run.
	timeout 600 go test ./inspect -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -parallel 2
done
