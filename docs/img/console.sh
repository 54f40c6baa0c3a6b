#!/usr/bin/env bash
# Regenerates docs/img/console.png, the README's picture of the console,
# from the real console: the binary runs in a detached tmux session of
# 120×34 with no config (a fresh HOME, so it starts the local stack),
# signs in with SRP as the demo user (enter, enter, enter), and the screen
# is captured with its colours (tmux capture-pane -e) and rendered to PNG
# by charmbracelet/freeze (go run, pinned; a fixed width and height keep
# it at 1× scale), then quantised by ImageMagick
# when it is installed, to keep the file small.
#
#   docs/img/console.sh            # from the repository root
#
# Needs tmux and Go; the first run compiles freeze.
set -euo pipefail
cd "$(dirname "$0")/../.."

FREEZE=github.com/charmbracelet/freeze@v0.2.2
out=docs/img/console.png
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cogscope-shot.XXXXXX")
sock="cogscope-shot-$$"
cleanup() {
	tmux -L "$sock" kill-server >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/cogscope" ./cmd/cogscope
home="$tmp/home"
mkdir -p "$home"

capture() { tmux -L "$sock" capture-pane -p -t shot 2>/dev/null || true; }
keys() { tmux -L "$sock" send-keys -t shot "$@"; }
wait_for() {
	local deadline=$((SECONDS + $1)) t
	shift
	for t in "$@"; do
		until grep -qF -- "$t" <<<"$(capture)"; do
			if [ "$SECONDS" -ge "$deadline" ]; then
				capture >&2
				echo "console.sh: no \"$t\" on the screen" >&2
				exit 1
			fi
			sleep 0.1
		done
	done
}

env -i PATH="$PATH" HOME="$home" LANG=C.UTF-8 TERM=xterm-256color COLORTERM=truecolor \
	XDG_CONFIG_HOME="$home/.config" XDG_STATE_HOME="$home/.local/state" COGSCOPE_THEME=dark \
	tmux -L "$sock" -f /dev/null new-session -d -s shot -x 120 -y 34 "$tmp/cogscope" \; \
	set-option -t shot status off
wait_for 20 "local stack http://127.0.0.1:" "> demo"
keys Enter
wait_for 5 "next / run"
keys Enter
keys Enter
wait_for 20 "signed in with SRP" "PASSWORD_VERIFIER"
sleep 0.5
# The local stack's port changes from run to run; show the default one so
# the picture does not change when nothing else did.
tmux -L "$sock" capture-pane -e -p -t shot | sed -E 's#http://127\.0\.0\.1:[0-9]+#http://127.0.0.1:9229#g' >"$tmp/screen.ansi"
keys q

go run "$FREEZE" --language ansi --window=false --padding 20 --margin 0 --font.size 14 --width 1060 --height 600 \
	--output "$tmp/console.png" "$tmp/screen.ansi"
if convert -version 2>/dev/null | grep -q ImageMagick; then
	convert "$tmp/console.png" -strip -colors 64 PNG8:"$out"
else
	cp "$tmp/console.png" "$out" # not quantised: ImageMagick is not installed
fi
ls -l "$out"
