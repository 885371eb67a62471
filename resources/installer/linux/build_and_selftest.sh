#!/usr/bin/env bash
# Build the Linux bundle with PyInstaller, prove it whole (libraries) and working (--self-test),
# and with --packages also the .deb and the portable tarball. Prints how long each part took.
# Usage: resources/installer/linux/build_and_selftest.sh [--packages]
# Uses .venv (created if missing) and installs the 'build' extra (PyInstaller) into it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
here=resources/installer/linux
t0=$SECONDS
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[build]'
t1=$SECONDS
.venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller build.spec
t2=$SECONDS
"$here/check_bundle_libs.sh" dist/npmdesk
QT_QPA_PLATFORM=offscreen dist/npmdesk/npmdesk --self-test
t3=$SECONDS
if [ "${1:-}" = "--packages" ]; then
  "$here/build_deb.sh" dist/npmdesk dist
  "$here/build_tarball.sh" dist/npmdesk dist
fi
t4=$SECONDS
echo "bundle: $(du -sh dist/npmdesk | cut -f1) in dist/npmdesk"
echo "time: pip $((t1 - t0)) s, pyinstaller $((t2 - t1)) s, checks and self-test $((t3 - t2)) s, packages $((t4 - t3)) s"
