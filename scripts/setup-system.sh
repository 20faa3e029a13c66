#!/usr/bin/env bash
# Install the system packages converter needs, when they are missing (Debian/Ubuntu).
#   scripts/setup-system.sh runtime   fonts and libraries for building books
#   scripts/setup-system.sh test      the above plus the tools the tests use
# Idempotent: when everything is present it only checks and exits. As root it installs with
# apt-get; otherwise it prints the exact command to run and exits with status 1.
set -euo pipefail

mode=${1:-runtime}
python=${PYTHON:-python3}

# Runtime: CJK, Latin and emoji fonts (Symbola: monochrome emoji for e-books); Pango/HarfBuzz
# for WeasyPrint; fontconfig; cairo for drawing SVG images as PNG for DOCX (cairosvg).
runtime_pkgs=(fonts-noto-cjk fonts-noto-core fonts-noto-color-emoji fonts-symbola fontconfig
              libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2)
# Tests: pdftotext/pdffonts/pdftoppm, LibreOffice Writer (DOCX check), Java for EPUBCheck,
# Node.js and Chromium for DAISY Ace (scripts/setup-ace.sh installs Ace itself).
test_cmds=(pdftotext:poppler-utils pdffonts:poppler-utils pdftoppm:poppler-utils
           soffice:libreoffice-writer-nogui java:default-jre-headless
           node:nodejs npm:npm chromium:chromium)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${runtime_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
else
  echo "converter setup: no dpkg here; make sure these (or your system's equivalents) are installed:" >&2
  echo "  ${runtime_pkgs[*]}" >&2
fi
if ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  if "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    missing+=(python3-venv)
  else
    echo "converter setup: Python 3.11 or newer is needed ($python is $("$python" -V 2>&1))." >&2
    echo "  Set PYTHON=/path/to/python3.11 (or newer) and run again." >&2
    exit 1
  fi
fi
if [ "$mode" = test ]; then
  for pair in "${test_cmds[@]}"; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
fi

# shellcheck disable=SC2207
missing=($(printf '%s\n' "${missing[@]+"${missing[@]}"}" | awk 'NF && !seen[$0]++'))
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "converter setup: missing packages: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "converter setup: these system packages are missing:" >&2
  echo "  ${missing[*]}" >&2
  echo "Install them, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "converter setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
fc-cache -f >/dev/null 2>&1 || true
