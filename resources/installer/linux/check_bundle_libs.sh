#!/usr/bin/env bash
# Prove the pruned Linux bundle is whole: every shared library any bundled binary needs is either
# in the bundle or declared in system-libs.txt (and so in the .deb's Depends).
# Usage: check_bundle_libs.sh [BUNDLE_DIR]   (default dist/npmdesk)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="$(cd "${1:-dist/npmdesk}" && pwd)"
internal="$bundle/_internal"
allowed="$(grep -v '^#' "$here/system-libs.txt" | awk 'NF {print $1}')"
export LD_LIBRARY_PATH="$internal:$internal/PySide6/Qt/lib"
bad=0
checked=0
while IFS= read -r -d '' f; do
  file -b "$f" | grep -q '^ELF' || continue
  checked=$((checked + 1))
  while read -r soname arrow target _; do
    [ "$arrow" = "=>" ] || continue
    case "$target" in "$internal"/*) continue ;; esac
    if ! grep -qx "$soname" <<<"$allowed"; then
      echo "needs a library from outside the bundle that the package does not declare: $soname ($f)" >&2
      bad=1
    fi
  done < <(ldd "$f" 2>/dev/null | sed 's/^[[:space:]]*//')
done < <(find "$bundle" -type f \( -name '*.so*' -o -perm -u+x \) -print0)
[ "$bad" = 0 ] || exit 1
echo "bundle libraries ok: $checked binaries, every dependency in the bundle or in system-libs.txt"
