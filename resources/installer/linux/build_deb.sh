#!/usr/bin/env bash
# Build npmdesk_<version>_<arch>.deb from the PyInstaller bundle: the app in /opt/npmdesk,
# /usr/bin/npmdesk, a desktop entry, icons and the .npmdesk MIME type (so file managers open
# projects in npmdesk with a double-click). Debian's triggers refresh the MIME, desktop and icon
# caches on install, so the package needs no maintainer scripts.
# Usage: build_deb.sh [BUNDLE_DIR] [OUT_DIR]   (defaults dist/npmdesk and dist)
# Set DEB_MAINTAINER="Name <e-mail>" for a published package.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
bundle="$(cd "${1:-$root/dist/npmdesk}" && pwd)"
out="$(mkdir -p "${2:-$root/dist}" && cd "${2:-$root/dist}" && pwd)"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/npmdesk/__init__.py")"
arch="$(dpkg --print-architecture)"
[ -x "$bundle/npmdesk" ] || { echo "build_deb.sh: no bundle at $bundle (run pyinstaller build.spec first)" >&2; exit 1; }

pkg="$(mktemp -d)"
trap 'rm -rf "$pkg"' EXIT
chmod 755 "$pkg"  # mktemp makes it 0700, and it becomes / in the package
install -d "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/mime/packages" "$pkg/usr/share/doc/npmdesk"
cp -a "$bundle" "$pkg/opt/npmdesk"
ln -s /opt/npmdesk/npmdesk "$pkg/usr/bin/npmdesk"
install -m 644 "$here/npmdesk.desktop" "$pkg/usr/share/applications/npmdesk.desktop"
install -m 644 "$here/npmdesk-mime.xml" "$pkg/usr/share/mime/packages/npmdesk.xml"
for png in "$root"/resources/icons/npmdesk-*.png; do
  size="$(basename "$png" .png)"; size="${size#npmdesk-}"
  for kind in apps mimetypes; do
    name=$([ "$kind" = apps ] && echo npmdesk || echo application-x-npmdesk)
    install -D -m 644 "$png" "$pkg/usr/share/icons/hicolor/${size}x${size}/$kind/$name.png"
  done
done
install -D -m 644 "$root/resources/icons/npmdesk.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/npmdesk.svg"
install -D -m 644 "$root/resources/icons/npmdesk.svg" \
  "$pkg/usr/share/icons/hicolor/scalable/mimetypes/application-x-npmdesk.svg"
cat > "$pkg/usr/share/doc/npmdesk/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: npmdesk
Files: *
License: MIT
Comment: The bundle in /opt/npmdesk also contains Python, Qt 6 and PySide6 (LGPL-3.0),
 python-docx, lxml, sqlite-utils, platformdirs and charset-normalizer under their own licences.
COPYRIGHT

# The C library version the bundle's binaries were linked against is the minimum it needs.
glibc="$(find "$pkg/opt/npmdesk" -type f \( -name '*.so*' -o -perm -u+x \) -exec objdump -T {} + 2>/dev/null \
  | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)"
depends="$(grep -v '^#' "$here/system-libs.txt" | awk 'NF {print $2}' | sort -u \
  | sed "s/^libc6\$/libc6 (>= ${glibc:-2.31})/" | paste -sd, - | sed 's/,/, /g')"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: npmdesk
Version: $version
Section: science
Priority: optional
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-npmdesk developers <npmdesk@localhost>}
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: $depends
Description: qualitative coding of interview and focus-group transcripts
 npmdesk imports transcripts (.docx, .txt, .odt, .vtt and more), lets you highlight
 passages and apply codes, organise codes into themes, review every excerpt, align themes
 with frameworks such as the ACGME competencies, and export reports to Word.
 Everything lives in one local .npmdesk project file; npmdesk never uses the network.
CONTROL

deb="$out/npmdesk_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group -Zxz "$pkg" "$deb" >/dev/null
echo "$deb"
