#!/usr/bin/env bash
# Screenshot a page with headless Chromium, to look at it as a person would.
# Usage: scripts/screenshot.sh URL OUT.png [WIDTH,HEIGHT]   (default 1366,900; a phone is 390,844)
set -euo pipefail
url="$1" out="$2" size="${3:-1366,900}"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
  --no-first-run --disable-component-update --disable-sync --user-data-dir="$profile" \
  --window-size="$size" --screenshot="$out" "$url" >/dev/null 2>&1
echo "$out"
