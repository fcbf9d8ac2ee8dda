"""新建征集: the kind, the data year, the towns and the folder the towns' workbooks go to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.rules.years import FIRST_RECORD_YEAR
from desktop.importing.collect import COLLECTED, kind_title, town_file_name
from desktop.ui.common import files
from desktop.ui.common.forms import combo
from desktop.ui.common.widgets import hint


@dataclass(frozen=True)
class RoundRequest:
    """What the clerk asked for."""

    kind: str
    year: int
    towns: tuple[str, ...]
    folder: Path
    note: str


class NewRoundDialog(QDialog):
    """Ask for a round's kind, year (default: last year), towns (default: all) and output folder."""

    def __init__(
        self,
        towns: list[str],
        folder: str,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建征集"))
        self.setMinimumWidth(520)
        this_year = (today or date.today()).year
        self.kind = combo([(kind_title(k), k) for k in COLLECTED])
        self.year = QSpinBox()
        self.year.setRange(FIRST_RECORD_YEAR, this_year)
        self.year.setValue(this_year - 1)
        self.year.setSuffix(self.tr(" 年度"))
        self.all_towns = QCheckBox(self.tr("全部镇街"))
        self.all_towns.setChecked(True)
        self.town_list = QListWidget()
        self.town_list.setMaximumHeight(150)
        for name in towns:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.town_list.addItem(item)
        self.folder = QLineEdit(folder)
        self.folder.setPlaceholderText(self.tr("各镇街的表格保存到这个文件夹"))
        self.browse = QPushButton(self.tr("浏览…"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("可不填，例如：2025年企业名录年度核对"))
        self.preview = hint("")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("生成征集表"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self._lay_out()
        self._connect()
        self._update()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("征集类型"), self.kind)
        form.addRow(self.tr("数据年度"), self.year)
        towns = QVBoxLayout()
        towns.setContentsMargins(0, 0, 0, 0)
        towns.addWidget(self.all_towns)
        towns.addWidget(self.town_list)
        box = QWidget()
        box.setLayout(towns)
        form.addRow(self.tr("镇街"), box)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        folder = QWidget()
        folder.setLayout(row)
        form.addRow(self.tr("输出文件夹"), folder)
        form.addRow(self.tr("备注"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(
            QLabel(self.tr("每个镇街一个表格，已填入库中该镇街的现有记录；代码列锁定，其余可改。"))
        )
        layout.addWidget(self.buttons)

    def _connect(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.browse.clicked.connect(self.choose_folder)
        self.all_towns.toggled.connect(self._all_toggled)
        self.town_list.itemChanged.connect(self._update)
        self.folder.textChanged.connect(self._update)
        self.kind.currentIndexChanged.connect(self._update)
        self.year.valueChanged.connect(self._update)

    # ----- state -----

    def chosen_towns(self) -> tuple[str, ...]:
        """The towns ticked, in list order."""
        items = (self.town_list.item(n) for n in range(self.town_list.count()))
        return tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)

    def request(self) -> RoundRequest:
        """The round as the dialog shows it."""
        return RoundRequest(
            self.kind.currentData(),
            self.year.value(),
            self.chosen_towns(),
            Path(self.folder.text().strip()),
            self.note.text().strip(),
        )

    @Slot(bool)
    def _all_toggled(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.town_list.blockSignals(True)
        for n in range(self.town_list.count()):
            self.town_list.item(n).setCheckState(state)
        self.town_list.blockSignals(False)
        self._update()

    @Slot()
    def _update(self) -> None:
        towns = self.chosen_towns()
        every = len(towns) == self.town_list.count()
        self.all_towns.blockSignals(True)
        self.all_towns.setChecked(every)
        self.all_towns.blockSignals(False)
        folder = self.folder.text().strip()
        self.ok_button.setEnabled(bool(towns) and bool(folder))
        if not towns:
            self.preview.setText(self.tr("请至少选择一个镇街。"))
            return
        example = town_file_name(towns[0], self.kind.currentData(), self.year.value())
        self.preview.setText(
            self.tr("将生成 {n} 个文件，例如“{name}”。").format(n=len(towns), name=example)
        )

    @Slot()
    def choose_folder(self) -> None:
        """浏览…: the folder the workbooks are written to."""
        chosen = files.existing_folder(
            self, self.tr("选择保存征集表的文件夹"), self.folder.text() or str(Path.home())
        )
        if chosen:
            self.folder.setText(chosen)
