#!/usr/bin/env bash
# For the portable tarball: add npmdesk (from this folder) to your applications menu and let the
# file manager open .npmdesk projects in it. Per user, in ~/.local/share; run again after moving
# the folder. Remove with: ./install-desktop-entry.sh --remove
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
targets=("$data/applications/npmdesk.desktop" "$data/mime/packages/npmdesk.xml"
         "$data/icons/hicolor/256x256/apps/npmdesk.png" "$data/icons/hicolor/scalable/apps/npmdesk.svg"
         "$data/icons/hicolor/scalable/mimetypes/application-x-npmdesk.svg")
if [ "${1:-}" = "--remove" ]; then
  rm -f "${targets[@]}"
else
  install -D -m 644 "$here/share/npmdesk-mime.xml" "${targets[1]}"
  install -D -m 644 "$here/share/npmdesk-256.png" "${targets[2]}"
  install -D -m 644 "$here/share/npmdesk.svg" "${targets[3]}"
  install -D -m 644 "$here/share/npmdesk.svg" "${targets[4]}"
  install -d "$data/applications"
  sed "s|^Exec=npmdesk|Exec=\"$here/npmdesk\"|" "$here/share/npmdesk.desktop" > "${targets[0]}"
fi
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "done: npmdesk ${1:+removed from}${1:-is in} your applications menu"
