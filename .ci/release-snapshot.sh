#!/usr/bin/env bash
# The release, rehearsed: goreleaser builds every archive as a snapshot
# (nothing is published), then the archive for this machine is unpacked
# and its binary run — `cogscope version` (version, commit and date
# injected at build time, built with the go1.27.3 toolchain) and
# `cogscope local --json` (started, its ready line read, stopped). The
# archive must also hold the man page and the shell completions, the
# checksum file must match it, and the Homebrew formula must be written.
#
# Run by .ci/run; alone: .ci/release-snapshot.sh (the first run compiles
# goreleaser, about 5 minutes on 2 cores, and downloads go1.27.3, 76 MB).
set -euo pipefail
cd "$(dirname "$0")/.."

GORELEASER_VERSION=${GORELEASER_VERSION:-v2.15.1}
want_go=go1.27.3
base="${COGSCOPE_CI_TMP:-${TMPDIR:-/tmp}}"
tmp=$(mktemp -d "$base/release-snapshot.XXXXXX")
local_pid=""
cleanup() {
	if [ -n "$local_pid" ]; then kill "$local_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "release-snapshot: $*" >&2; exit 1; }

go run "github.com/goreleaser/goreleaser/v2@${GORELEASER_VERSION}" release --snapshot --clean --skip=publish

os=$(go env GOOS)
arch=$(go env GOARCH)
ext=tar.gz
[ "$os" = windows ] && ext=zip
shopt -s nullglob
archives=(dist/cogscope_*_"${os}_${arch}.$ext")
shopt -u nullglob
[ "${#archives[@]}" -eq 1 ] || fail "want one archive for $os/$arch in dist/, found ${#archives[@]}"
archive=${archives[0]}
echo "archive: $archive"

# Every target's archive is there, and the checksums match.
for o in linux darwin windows; do
	for a in amd64 arm64; do
		e=tar.gz
		[ "$o" = windows ] && e=zip
		ls dist/cogscope_*_"${o}_${a}.$e" >/dev/null 2>&1 || fail "no archive for $o/$a"
	done
done
(cd dist && sha256sum --ignore-missing -c cogscope_*_checksums.txt) || fail "checksums do not match"
[ -f dist/homebrew/Formula/cogscope.rb ] || fail "no Homebrew formula in dist/homebrew/Formula"
grep -q 'man1.install' dist/homebrew/Formula/cogscope.rb || fail "the formula does not install the man page"

unpack="$tmp/unpack"
mkdir -p "$unpack"
tar -xzf "$archive" -C "$unpack"
for f in cogscope README.md LICENSE man/man1/cogscope.1 man/man1/cogscope-login.1 \
	completions/cogscope.bash completions/_cogscope completions/cogscope.fish completions/cogscope.ps1; do
	[ -s "$unpack/$f" ] || fail "the archive lacks $f"
done
bin="$unpack/cogscope"

# Built with the toolchain that has the security fixes.
go version "$bin" | tee "$tmp/goversion"
grep -q "$want_go\b" "$tmp/goversion" || fail "the binary was not built with $want_go"

# A fresh user: no config, no AWS variables.
home="$tmp/home"
mkdir -p "$home"
run() {
	env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_STATE_HOME="$home/.local/state" "$@"
}
# exec_run is run in place of the shell that calls it: started with & in a
# subshell, its pid is cogscope's own, so that kill stops the stack (with
# run, $! was a subshell's and the stack outlived the script).
exec_run() {
	exec env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_STATE_HOME="$home/.local/state" "$@"
}

run "$bin" version | tee "$tmp/version"
# cogscope 0.0.1-next (0123456789ab, 2026-12-06T10:00:00Z) go1.27.3
# goreleaser stamps "none" as the commit when it cannot read git (seen in
# a git worktree, whose .git is a file); a clean clone has the hash.
grep -Eq '^cogscope [0-9]+\.[0-9]+\.[0-9]+[^ ]* \(([0-9a-f]{12}|none), [0-9]{4}-[0-9]{2}-[0-9]{2}T[^)]*\) go1\.27\.3$' "$tmp/version" \
	|| fail "cogscope version does not print version, commit and date"

(exec_run "$bin" local --addr 127.0.0.1:0 --json) >"$tmp/local.out" 2>"$tmp/local.err" &
local_pid=$!
for _ in $(seq 1 150); do
	[ -s "$tmp/local.out" ] && break
	kill -0 "$local_pid" 2>/dev/null || break
	sleep 0.2
done
[ -s "$tmp/local.out" ] || { cat "$tmp/local.err" >&2; fail "cogscope local --json printed no ready line within 30s"; }
head -n1 "$tmp/local.out"
endpoint=$(head -n1 "$tmp/local.out" | sed -n 's/.*"endpoint":"\(http:\/\/127\.0\.0\.1:[0-9]*\)".*/\1/p')
[ -n "$endpoint" ] || fail "the ready line names no loopback endpoint"
# It answers: the demo pool's OpenID discovery document.
curl -fsS --max-time 5 "$endpoint/us-east-1_CogScope1/.well-known/openid-configuration" | grep -q '"issuer"' \
	|| fail "the unpacked local stack does not serve the demo pool"
kill "$local_pid"
wait "$local_pid" 2>/dev/null || true
local_pid=""
echo "release snapshot: ok ($archive)"
