#!/usr/bin/env bash
# The portable Linux download: npmdesk-<version>-linux-<arch>.tar.gz. Unpack anywhere and run
# ./npmdesk; ./install-desktop-entry.sh adds it to the applications menu and makes .npmdesk
# files open in it, for this user only (no root needed).
# Usage: build_tarball.sh [BUNDLE_DIR] [OUT_DIR]   (defaults dist/npmdesk and dist)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
bundle="$(cd "${1:-$root/dist/npmdesk}" && pwd)"
out="$(mkdir -p "${2:-$root/dist}" && cd "${2:-$root/dist}" && pwd)"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/npmdesk/__init__.py")"
name="npmdesk-$version-linux-$(uname -m)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -a "$bundle" "$stage/$name"
install -d "$stage/$name/share"
install -m 644 "$here/npmdesk.desktop" "$here/npmdesk-mime.xml" "$root/resources/icons/npmdesk.svg" \
  "$root/resources/icons/npmdesk-256.png" "$stage/$name/share/"
install -m 755 "$here/install-desktop-entry.sh" "$stage/$name/install-desktop-entry.sh"
tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
