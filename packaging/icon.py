"""The Windows icon (app.ico), made at build time from resources/icons/app.svg.

    python packaging/icon.py OUT.ico     # renders the SVG at every size, writes the .ico

Qt's SVG renderer draws each size (16 … 256 px) on a transparent image; the .ico is written here,
not by an image library: sizes below 256 as 32-bit BGRA bitmaps with an empty AND mask (what every
Windows version, the resource compiler PyInstaller uses and NSIS read), 256 px as PNG (Vista and
later). Run as a script (`python -m packaging.…` would find pip's own `packaging` package first).
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "app.svg"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
PNG_FROM = 256  # this size and larger are stored as PNG


@dataclass(frozen=True)
class Image:
    """One square picture: `size` px, `rgba` row-major top-down, 4 bytes a pixel; `png` if stored so."""

    size: int
    rgba: bytes
    png: bytes | None = None


def _bitmap(image: Image) -> bytes:
    """A DIB as an .ico stores it: header of double height, BGRA rows bottom-up, 1-bit AND mask."""
    n = image.size
    header = struct.pack("<IiiHHIIiiII", 40, n, 2 * n, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in range(n - 1, -1, -1):
        row = bytearray(image.rgba[y * n * 4 : (y + 1) * n * 4])
        row[0::4], row[2::4] = row[2::4], row[0::4]  # RGBA → BGRA
        rows.append(bytes(row))
    mask_row = ((n + 31) // 32) * 4  # 1 bit a pixel, rows padded to 32 bits; 0 = use the alpha
    return header + b"".join(rows) + bytes(mask_row * n)


def ico_bytes(images: Sequence[Image]) -> bytes:
    """The .ico file holding `images` (ICONDIR, one ICONDIRENTRY each, then the pictures)."""
    if not images:
        raise ValueError("an icon needs at least one image")
    blobs = [img.png if img.png is not None else _bitmap(img) for img in images]
    offset = 6 + 16 * len(images)
    out = [struct.pack("<HHH", 0, 1, len(images))]
    for img, blob in zip(images, blobs, strict=True):
        if not 1 <= img.size <= 256:
            raise ValueError(f"icon size {img.size} is outside 1…256")
        side = 0 if img.size == 256 else img.size  # 0 means 256 in an ICONDIRENTRY
        out.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        offset += len(blob)
    return b"".join(out + blobs)


def read_ico(data: bytes) -> list[tuple[int, str]]:
    """(size, "png" or "bmp") of each image of an .ico; ValueError if it is not a valid one."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    if reserved != 0 or kind != 1 or count == 0:
        raise ValueError("not an icon file")
    found = []
    for i in range(count):
        w, h, _c, _r, _planes, _bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        blob = data[offset : offset + length]
        if len(blob) != length:
            raise ValueError(f"image {i} runs past the end of the file")
        size = w or 256
        if blob.startswith(b"\x89PNG\r\n\x1a\n"):
            found.append((size, "png"))
            continue
        width, height = struct.unpack_from("<ii", blob, 4)
        if w != h or (width, height) != (size, 2 * size):
            raise ValueError(f"image {i}: bitmap {width}×{height} under an entry of {size}")
        found.append((size, "bmp"))
    return found


def render(svg: Path = SVG, sizes: Sequence[int] = SIZES) -> list[Image]:
    """The SVG drawn at each size by Qt (an offscreen application if none is running)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"cannot read {svg}")
    images = []
    for n in sizes:
        picture = QImage(n, n, QImage.Format.Format_RGBA8888)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        png = None
        if n >= PNG_FROM:
            data = QByteArray()
            buffer = QBuffer(data)
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            picture.save(buffer, "PNG")
            png = bytes(data.data())
        images.append(Image(n, bytes(picture.constBits())[: n * n * 4], png))
    del app
    return images


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python packaging/icon.py OUT.ico", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(ico_bytes(render()))
    print(f"icon: {out} ({', '.join(f'{s}px' for s, _ in read_ico(out.read_bytes()))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
