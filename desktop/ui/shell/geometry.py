"""Where the main window opens: the saved geometry while it still fits a screen, else a default.

A geometry saved on a larger screen (or at another scaling, or on a monitor since unplugged) is not
restored: Qt would squeeze it onto the screen at the top-left corner, or keep it off every screen.
The default is DEFAULT_SIZE, capped by the screen's available area less the title bar, centred.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen

DEFAULT_SIZE = QSize(1440, 900)  # the dashboard's natural size; capped by the screen
TITLE_BAR = 30  # logical px above the client area that Windows draws, at any scaling
BORDERS = 16  # left + right resize borders (Windows 10/11 draws 7–8 px each, invisible)
GEOMETRY_MAGIC = 0x1D9D0CB  # QWidget::saveGeometry()'s first four bytes


@dataclass(frozen=True)
class SavedGeometry:
    """What QWidget.saveGeometry() recorded: the frame, the normal (client) rect, the state."""

    frame: QRect
    normal: QRect
    maximized: bool
    full_screen: bool


def read_saved(blob: QByteArray) -> SavedGeometry | None:
    """The rectangles of a saveGeometry() blob (None when it is not one)."""
    stream = QDataStream(blob, QIODevice.OpenModeFlag.ReadOnly)
    if stream.readUInt32() != GEOMETRY_MAGIC or stream.readUInt16() < 1:
        return None
    stream.readUInt16()  # minor version
    frame, normal = QRect(), QRect()
    stream >> frame
    stream >> normal
    stream.readInt32()  # screen number
    maximized, full_screen = stream.readUInt8(), stream.readUInt8()
    if stream.status() != QDataStream.Status.Ok:
        return None
    return SavedGeometry(frame, normal, bool(maximized), bool(full_screen))


def fitting_screen(saved: SavedGeometry) -> QScreen | None:
    """The screen the saved window fits on whole (None: larger than it, or off every screen)."""
    rect = saved.normal if saved.maximized or saved.full_screen else saved.frame
    screen = QGuiApplication.screenAt(rect.center())
    if screen is None:
        return None
    area = screen.availableGeometry()
    slack = BORDERS  # a window snapped to the whole screen has its invisible borders outside
    fits = rect.width() <= area.width() + slack and rect.height() <= area.height() + slack
    return screen if fits else None


def default_rect(screen: QScreen | None) -> QRect:
    """The client rect of a window opened for the first time (or whose saved place no longer
    fits): DEFAULT_SIZE capped by the available area, less borders and title bar, centred."""
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QRect(QPoint(0, 0), DEFAULT_SIZE)
    area = screen.availableGeometry()
    size = DEFAULT_SIZE.boundedTo(QSize(area.width() - BORDERS, area.height() - TITLE_BAR))
    left = area.left() + (area.width() - size.width()) // 2
    top = area.top() + TITLE_BAR + (area.height() - TITLE_BAR - size.height()) // 2
    return QRect(QPoint(left, top), size)
