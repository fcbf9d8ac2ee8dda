"""The pages of the first-run wizard: 单位, 镇街, 签章人, 年度目标, 首次导入.

Each page only collects; the wizard writes everything at 完成 (desktop/ui/firstrun/wizard.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from db.rules.years import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from db.services.setup import split_town_names, town_problems

MAX_TARGET = 100_000
TOWNS_SHOWN = 12  # names listed under the box; the rest are counted


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class BureauPage(QWizardPage):
    """单位: the bureau's name (what the returns and the window's title show); the demo district."""

    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_tr("欢迎使用科创台账"))
        self.setSubTitle(_tr("几步设好本单位的基本信息，之后都可以在“设置”中修改。"))
        self.bureau = QLineEdit()
        self.bureau.setObjectName("bureauName")
        self.bureau.setPlaceholderText(_tr("例如：某某市某某区科学技术局"))
        self.bureau.setMaxLength(64)
        self.bureau.textChanged.connect(self.completeChanged)
        form = QFormLayout()
        name_label = QLabel(_tr("单位名称(&A)："))
        name_label.setBuddy(self.bureau)
        form.addRow(name_label, self.bureau)
        self.demo_button = QPushButton(_tr("打开演示区县看看(&D)…"))
        self.demo_button.setObjectName("demoButton")
        self.demo_button.clicked.connect(self.demo_requested)
        demo_row = QHBoxLayout()
        demo_row.addWidget(self.demo_button)
        demo_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_hint(_tr("单位名称印在统计报表的“填报单位”一栏，也显示在窗口标题上。")))
        layout.addStretch(1)
        layout.addWidget(
            _hint(
                _tr(
                    "想先看看程序能做什么？演示区县是另一个数据文件，里面是虚构的企业和台账，"
                    "不会改动这里的数据；关闭程序后再打开，仍回到这里。"
                )
            )
        )
        layout.addLayout(demo_row)

    def isComplete(self) -> bool:
        """下一步 only with a name."""
        return bool(self.bureau.text().strip())


class TownsPage(QWizardPage):
    """镇街: typed or pasted (one a line, or separated by 、，,), or read from a roster file."""

    file_requested = Signal()

    def __init__(self, existing: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_tr("本区县的镇街"))
        self.setSubTitle(
            _tr(
                "导入、统计和报送都按镇街分。可以直接输入或粘贴，每行一个，也可以用顿号或逗号隔开。"
            )
        )
        self.existing = existing
        self.text = QPlainTextEdit()
        self.text.setObjectName("townsText")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(_tr("古井镇\n十八里镇\n汤陵街道"))
        self.text.textChanged.connect(self._changed)
        label = QLabel(_tr("镇街(&T)："))
        label.setBuddy(self.text)
        self.from_file = QPushButton(_tr("从名册文件读取(&R)…"))
        self.from_file.setObjectName("townsFromFile")
        self.from_file.setToolTip(_tr("读取表格中“所属镇街”一列的各个名称"))
        self.from_file.clicked.connect(self.file_requested)
        self.summary = _hint("")
        self.summary.setObjectName("townsSummary")
        buttons = QHBoxLayout()
        buttons.addWidget(label)
        buttons.addStretch(1)
        buttons.addWidget(self.from_file)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.summary)
        if existing:
            shown = "、".join(existing[:TOWNS_SHOWN]) + (
                "等" if len(existing) > TOWNS_SHOWN else ""
            )
            layout.addWidget(
                _hint(
                    _tr("已有 {n} 个镇街：{names}。这里只添加新的。").format(
                        n=len(existing), names=shown
                    )
                )
            )
        self._changed()

    def names(self) -> list[str]:
        """The towns written, split, without blanks and repeats."""
        return split_town_names(self.text.toPlainText())

    def add_names(self, names: list[str]) -> None:
        """Append names read from a file to what is written (repeats are dropped when read)."""
        current = self.text.toPlainText().rstrip("\n")
        lines = ([current] if current else []) + names
        self.text.setPlainText("\n".join(lines))

    def problems(self) -> list[str]:
        """Why some names cannot be towns."""
        return town_problems(self.names())

    @Slot()
    def _changed(self) -> None:
        names = self.names()
        problems = town_problems(names)
        if problems:
            self.summary.setText(problems[0])
            self.summary.setObjectName("fieldError")
        elif names:
            shown = "、".join(names[:TOWNS_SHOWN]) + ("等" if len(names) > TOWNS_SHOWN else "")
            self.summary.setText(
                _tr("将添加 {n} 个镇街：{names}").format(n=len(names), names=shown)
            )
            self.summary.setObjectName("hint")
        else:
            self.summary.setText(_tr("也可以以后在“设置 → 镇街”中添加。"))
            self.summary.setObjectName("hint")
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        """下一步 only when every name can be stored."""
        return not self.problems()


class SignatoriesPage(QWizardPage):
    """签章人: who signs the returns (the lines under each return's table)."""

    FIELDS = (
        ("head_of_unit", "单位负责人(&U)："),
        ("head_of_statistics", "统计负责人(&S)："),
        ("preparer", "填表人(&P)："),
        ("contact_phone", "联系电话(&C)："),
    )

    def __init__(self, values: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_tr("报表签章"))
        self.setSubTitle(
            _tr("统计报表的表尾印有单位负责人、统计负责人、填表人和联系电话。可以先空着。")
        )
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, text in self.FIELDS:
            edit = QLineEdit(values.get(name, ""))
            edit.setObjectName(name)
            edit.setMaxLength(32)
            label = QLabel(_tr(text))
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.edits[name] = edit
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

    def values(self) -> dict[str, str]:
        """Each signatory's text, stripped."""
        return {name: edit.text().strip() for name, edit in self.edits.items()}


class TargetsPage(QWizardPage):
    """年度目标: this year's 高企 and 科小 counts (0 = not set)."""

    def __init__(
        self, year: int, high_tech: int | None, tech_sme: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setTitle(_tr("年度目标"))
        self.setSubTitle(_tr("“双突破”统计按目标算完成率。其他指标的目标在“指标与目标”中设定。"))
        self.year = QSpinBox()
        self.year.setObjectName("targetYear")
        self.year.setRange(FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
        self.year.setValue(year)
        self.high_tech = self._target(high_tech, "highTechTarget")
        self.tech_sme = self._target(tech_sme, "techSmeTarget")
        form = QFormLayout()
        for text, widget in (
            ("年度(&Y)：", self.year),
            ("高新技术企业数(&H)：", self.high_tech),
            ("科技型中小企业入库数(&M)：", self.tech_sme),
        ):
            label = QLabel(_tr(text))
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_hint(_tr("填 0 表示暂不设定。")))
        layout.addStretch(1)

    @staticmethod
    def _target(value: int | None, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(0, MAX_TARGET)
        spin.setSuffix(_tr(" 家"))
        spin.setSpecialValueText(_tr("暂不设定"))
        spin.setValue(value or 0)
        spin.setMinimumWidth(160)
        return spin

    def targets(self) -> tuple[int, int | None, int | None]:
        """(year, 高企 target, 科小 target); None where not set."""
        return self.year.value(), self.high_tech.value() or None, self.tech_sme.value() or None


class ImportPage(QWizardPage):
    """首次导入 (optional): a file to open in 导入 once the setup is saved."""

    file_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(_tr("导入企业名单（可选）"))
        self.setSubTitle(
            _tr("已有企业名单或镇街报来的表格，可以选好文件，完成后在“导入”页预览并导入。")
        )
        self.path: Path | None = None
        self.choose = QPushButton(_tr("选择文件(&O)…"))
        self.choose.setObjectName("chooseImport")
        self.choose.clicked.connect(self.file_requested)
        self.clear = QPushButton(_tr("不导入(&X)"))
        self.clear.setObjectName("clearImport")
        self.clear.clicked.connect(lambda: self.set_path(None))
        self.chosen = QLabel()
        self.chosen.setObjectName("chosenImport")
        self.chosen.setWordWrap(True)
        self.chosen.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.choose)
        row.addWidget(self.clear)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.chosen)
        layout.addStretch(1)
        layout.addWidget(_hint(_tr("点“完成”保存以上设置。")))
        self.set_path(None)

    def set_path(self, path: Path | None) -> None:
        """The file chosen (None: no first import)."""
        self.path = path
        self.clear.setEnabled(path is not None)
        self.chosen.setText(
            _tr("完成后打开：{name}").format(name=path.name) if path else _tr("暂不导入。")
        )
        self.chosen.setToolTip(str(path) if path else "")
