#!/usr/bin/env bash
# Debian packages the reports need, installed once by `make` (as root, or with sudo -n):
# chromium renders and checks the HTML reports headless, fonts-noto-core and fonts-dejavu-core
# carry every Vietnamese diacritic, poppler-utils turns report PDFs into PNG pages.
set -euo pipefail
PACKAGES=(chromium fonts-noto-core fonts-dejavu-core poppler-utils)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    run=()
elif sudo -n true 2>/dev/null; then
    run=(sudo -n)
else
    echo "make: the reports need the Debian packages: ${missing[*]}" >&2
    echo "make: install them as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing Debian packages: ${missing[*]}"
"${run[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
