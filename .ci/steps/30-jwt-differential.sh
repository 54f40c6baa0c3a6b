#!/usr/bin/env bash
# The differential test: one token corpus judged by aws-jwt-verify (AWS's
# own verifier, from the npm peers) and by `cogscope inspect --json`. The
# verdicts must agree except for the deliberate differences documented in
# inspect/doc.go. Needs COGSCOPE_PEERS (set by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${COGSCOPE_PEERS:-}" ]; then
	echo "COGSCOPE_PEERS is not set: run from .ci/run, or point it at a directory whose node_modules holds aws-jwt-verify" >&2
	exit 1
fi
bin="${COGSCOPE_CI_TMP:-$(mktemp -d)}/cogscope-differential"
go build -o "$bin" ./cmd/cogscope
COGSCOPE_BIN="$bin" timeout 300 go test ./inspect -count=1 -run '^TestDifferentialAgainstAWSJWTVerify$' -v
