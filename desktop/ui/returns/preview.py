"""The preview of a return: its real PDF pages (QtPdf), page navigation and zoom."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt, Signal, Slot
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

ZOOM_STEP = 1.25
ZOOM_MIN = 0.25
ZOOM_MAX = 4.0


class PdfPreview(QWidget):
    """A PDF shown page by page from bytes, with 上一页/下一页, 第 X / Y 页, 适合宽度, + and −."""

    pageChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setStyleSheet("QPdfView { background: #8a929c; }")
        self.previous_button = QPushButton(self.tr("上一页"), self)
        self.next_button = QPushButton(self.tr("下一页"), self)
        self.page_label = QLabel(self)
        self.fit_button = QPushButton(self.tr("适合宽度"), self)
        self.fit_button.setCheckable(True)
        self.zoom_out_button = QPushButton("−", self)
        self.zoom_in_button = QPushButton("+", self)
        self.zoom_label = QLabel(self)
        self._layout()
        self._connect()
        self._update_controls()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for button in (self.zoom_out_button, self.zoom_in_button):
            button.setFixedWidth(36)
        self.page_label.setMinimumWidth(110)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(56)
        for w in (self.previous_button, self.page_label, self.next_button):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.fit_button, self.zoom_out_button, self.zoom_label, self.zoom_in_button):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def _connect(self) -> None:
        self.previous_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        self.fit_button.clicked.connect(self.fit_width)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.view.pageNavigator().currentPageChanged.connect(self._on_page)
        self.view.zoomFactorChanged.connect(self._on_zoom)

    def load(self, data: bytes) -> None:
        """Show these PDF bytes from the first page."""
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.go_to(0)
        self._update_controls()

    def clear(self) -> None:
        """Show nothing."""
        self.document.close()
        self._update_controls()

    @property
    def page_count(self) -> int:
        """Pages of the document shown (0 when none)."""
        return max(self.document.pageCount(), 0)

    @property
    def current_page(self) -> int:
        """The 0-based page shown."""
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        """Show a page (0-based), clamped to the document."""
        if self.page_count == 0:
            return
        page = min(max(page, 0), self.page_count - 1)
        self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())
        self._update_controls()

    @Slot()
    def previous_page(self) -> None:
        """One page back."""
        self.go_to(self.current_page - 1)

    @Slot()
    def next_page(self) -> None:
        """One page on."""
        self.go_to(self.current_page + 1)

    @Slot()
    def fit_width(self) -> None:
        """Zoom so a page fills the width."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_controls()

    @Slot()
    def zoom_in(self) -> None:
        """Larger by one step."""
        self._zoom_to(self.zoom * ZOOM_STEP)

    @Slot()
    def zoom_out(self) -> None:
        """Smaller by one step."""
        self._zoom_to(self.zoom / ZOOM_STEP)

    @property
    def zoom(self) -> float:
        """The scale shown (in 适合宽度 mode, the factor the fit amounts to)."""
        if self.view.zoomMode() != QPdfView.ZoomMode.FitToWidth or self.page_count == 0:
            return self.view.zoomFactor()
        points = self.document.pagePointSize(self.current_page).width()
        pixels_per_point = self.logicalDpiX() / 72.0
        room = self.view.viewport().width() - 2 * self.view.documentMargins().left()
        return room / (points * pixels_per_point) if points > 0 else 1.0

    def _zoom_to(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, ZOOM_MIN), ZOOM_MAX))
        self._update_controls()

    @Slot(int)
    def _on_page(self, page: int) -> None:
        self._update_controls()
        self.pageChanged.emit(page)

    @Slot(float)
    def _on_zoom(self, _factor: float) -> None:
        self._update_controls()

    def _update_controls(self) -> None:
        count = self.page_count
        page = self.current_page if count else -1
        self.page_label.setText(
            self.tr("第 %1 / %2 页").replace("%1", str(page + 1)).replace("%2", str(count))
            if count
            else self.tr("无预览")
        )
        self.previous_button.setEnabled(count > 0 and page > 0)
        self.next_button.setEnabled(count > 0 and page < count - 1)
        for w in (self.fit_button, self.zoom_in_button, self.zoom_out_button):
            w.setEnabled(count > 0)
        fit = self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
        self.zoom_label.setText("" if not count else f"{self.zoom:.0%}")
        self.fit_button.setChecked(fit)
