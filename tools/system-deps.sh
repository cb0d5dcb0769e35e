#!/usr/bin/env bash
# System packages the test suite needs beyond Python: chromium (browser tests) and
# bubblewrap (sandboxed grading). Installs them with apt when run as root; otherwise says how.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
else
    echo "The tests need: ${need[*]}. Install them, e.g.: sudo apt-get install ${need[*]}" >&2
    exit 1
fi
