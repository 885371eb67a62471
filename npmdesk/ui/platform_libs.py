"""Before the window starts on Linux: are the system libraries Qt's xcb platform plugin loads there?

Qt's own message when one is missing ("could not load the Qt platform plugin xcb … libxcb-cursor0")
names the wrong library more often than not, then aborts. This check runs before QApplication is
created, without importing Qt: it tries to load every library the plugin (and the Qt libraries it
pulls in) takes from the system, and names the Debian/Ubuntu packages of the missing ones with the
apt-get line that installs them. The list is the one in resources/installer/linux/system-libs.txt
(measured with `ldd` on PySide6/Qt/plugins/platforms/libqxcb.so)."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable

# soname -> Debian/Ubuntu package, in the order the plugin needs them.
XCB_SYSTEM_LIBS: tuple[tuple[str, str], ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libX11.so.6", "libx11-6"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libEGL.so.1", "libegl1"),
    ("libGL.so.1", "libgl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libfreetype.so.6", "libfreetype6"),
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
)


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(platform: str = sys.platform, environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """True when Qt will use its xcb plugin: Linux with QT_QPA_PLATFORM unset or naming xcb first."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if not chosen:
        return True  # Qt's default on Linux (a Wayland session still falls back to xcb)
    return chosen.split(";")[0].split(":")[0] == "xcb"


def missing_libraries(loads: Callable[[str], bool] = _loads) -> list[tuple[str, str]]:
    """The (soname, package) pairs of XCB_SYSTEM_LIBS that cannot be loaded."""
    return [(so, pkg) for so, pkg in XCB_SYSTEM_LIBS if not loads(so)]


def missing_message(missing: list[tuple[str, str]]) -> str:
    packages = list(dict.fromkeys(pkg for _, pkg in missing))
    names = ", ".join(so for so, _ in missing)
    return (f"npmdesk: the window cannot start: Qt's display plugin (xcb) needs system libraries that "
            f"are not installed: {names}.\n"
            f"On Debian or Ubuntu install them with:\n"
            f"    sudo apt-get install {' '.join(packages)}\n"
            f"(The command-line tools, `npmdesk import`, `npmdesk report` …, work without them.)")


def check_before_window(loads: Callable[[str], bool] = _loads,
                        platform: str = sys.platform,
                        environ: dict[str, str] | None = None) -> str | None:
    """The message to print (and not start the window) when libraries are missing; None when fine."""
    if not uses_xcb(platform, environ):
        return None
    missing = missing_libraries(loads)
    return missing_message(missing) if missing else None
