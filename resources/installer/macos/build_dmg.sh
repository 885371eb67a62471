#!/usr/bin/env bash
# macOS: npmdesk-<version>-macos-<arch>.dmg holding npmdesk.app and an Applications shortcut
# (open the dmg, drag npmdesk to Applications). Run on a Mac after `pyinstaller --noconfirm build.spec`
# (which makes dist/npmdesk.app with the .npmdesk document type in its Info.plist).
# Optional, for a download that opens without a Gatekeeper warning:
#   CODESIGN_IDENTITY="Developer ID Application: ..."   sign the app (hardened runtime)
#   NOTARY_PROFILE=<notarytool keychain profile>        notarise and staple the dmg
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
app=dist/npmdesk.app
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' npmdesk/__init__.py)"
dmg="dist/npmdesk-$version-macos-$(uname -m).dmg"
[ -d "$app" ] || { echo "build_dmg.sh: no $app (run pyinstaller build.spec first)" >&2; exit 1; }

"$app/Contents/MacOS/npmdesk" --self-test
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$app"
  codesign --verify --deep --strict "$app"
fi
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname "npmdesk $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
if [ -n "${NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
fi
echo "$dmg"
