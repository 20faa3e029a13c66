#!/usr/bin/env bash
# Install DAISY Ace (the EPUB accessibility checker the tests run) into .tools/, git-ignored.
#   scripts/setup-ace.sh
# Ace's default runner downloads its own browser at install time, which fails offline: the
# puppeteer runner is installed instead, with no download, and drives Debian's chromium
# (PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium when Ace runs; tests/checks.py sets it).
# Idempotent: make calls it only when the stamp is missing or older than this script.
set -euo pipefail

ACE_VERSION=1.4.6
here=$(cd "$(dirname "$0")/.." && pwd)
tools="$here/.tools"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "converter setup: Node.js 20+ and npm are needed for DAISY Ace (apt-get install nodejs npm)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "converter setup: DAISY Ace $ACE_VERSION needs Node.js 20 or newer; this is $(node --version)" >&2
  exit 1
fi
mkdir -p "$tools"
cd "$tools"
[ -f package.json ] || echo '{"private": true}' > package.json
PUPPETEER_SKIP_DOWNLOAD=1 npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
  "@daisy/ace-cli@$ACE_VERSION" "@daisy/ace-axe-runner-puppeteer@$ACE_VERSION" >&2
"$tools/node_modules/.bin/ace-cli" --version >/dev/null
touch "$tools/.installed-ace"
