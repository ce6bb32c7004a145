#!/usr/bin/env bash
# Installs Debian's chromium when it is missing (the console's browser tests drive it through
# puppeteer-core; nothing downloads a browser build). Prints the binary's path.
source "$(dirname "$0")/../../../scripts/dev/common.sh"
ensure_apt chromium
command -v chromium
