#!/usr/bin/env bash
# System packages beyond Python.
#   tools/system-deps.sh          what the test suite needs: chromium (browser tests), bubblewrap
#                                 (sandboxed grading) and a CJK font (Chinese figures)
#   tools/system-deps.sh fonts    only the CJK font (`make lab`); never fails: without it the
#                                 figures of the Chinese notebooks stay English
# Installs them with apt when run as root; otherwise says how.
set -euo pipefail
mode="${1:-all}"
need=()
if [ "$mode" != fonts ]; then
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
fi
if ! { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; }; then
    need+=(fonts-noto-cjk)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
elif [ "$mode" = fonts ]; then
    echo "Chinese figures need a CJK font, e.g.: sudo apt-get install fonts-noto-cjk" \
         "(macOS and Windows have one already); until then they are drawn in English." >&2
else
    echo "The tests need: ${need[*]}. Install them, e.g.: sudo apt-get install ${need[*]}" >&2
    exit 1
fi
