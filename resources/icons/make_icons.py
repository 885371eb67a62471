"""Render npmdesk.svg into the PNG, ICO (Windows) and ICNS (macOS) icons the bundle and installers use.

Run from anywhere: `.venv/bin/python resources/icons/make_icons.py`. The outputs are committed, so
building the bundle needs no SVG rendering. ICO and ICNS are written here (PNG-compressed entries,
which Windows Vista+ and macOS 10.7+ read) because Qt's writers store only one size per file.
"""

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS type codes for PNG payloads, by pixel size (ic11..ic14 are the @2x variants).
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
              ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512))


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data)


def write_ico(path: Path, pngs: dict[int, bytes]) -> None:
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        blob = pngs[s]
        dim = 0 if s >= 256 else s  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    path.write_bytes(header + entries + blobs)


def write_icns(path: Path, pngs: dict[int, bytes]) -> None:
    body = b"".join(code.encode("ascii") + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for code, s in ICNS_TYPES)
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, image plugins)
    renderer = QSvgRenderer(str(HERE / "npmdesk.svg"))
    if not renderer.isValid():
        print("npmdesk.svg could not be read", file=sys.stderr)
        return 1
    pngs = {s: render(renderer, s) for s in sorted({*PNG_SIZES, *ICO_SIZES, 1024})}
    for s in PNG_SIZES:
        (HERE / f"npmdesk-{s}.png").write_bytes(pngs[s])
    write_ico(HERE / "npmdesk.ico", pngs)
    write_icns(HERE / "npmdesk.icns", pngs)
    print(f"wrote {len(PNG_SIZES)} PNGs, npmdesk.ico, npmdesk.icns in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
