"""Layout of the 设置 screen (widgets only; behaviour lives in screen.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from db.rules.settings import CANDIDATE_FIELDS, KEEP_DAILY_RANGE, KEEP_WEEKLY_RANGE
from db.rules.years import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from db.services.settings import CANDIDATE_LIMITS
from desktop.ui.common.widgets import hint, screen_title

NOT_SET = -1  # the target spin boxes show 未设 at their minimum
AUTO_BACKUP_HINT = (
    "每天第一次打开，以及每次导入、恢复、升级之前，程序自动备份数据文件到"
    "备份文件夹。当天的备份全部保留；更早的每天保留最后一份，"
    "每周保留最后一份。恢复前会先把当前数据另存为“恢复前”备份。"
)
SERVER_BACKUP_HINT = "服务器数据库由服务器备份；可用“备份到文件”调用 pg_dump"
FIELD_WIDTH = 260


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def line_edit(max_length: int = 64, width: int = FIELD_WIDTH, placeholder: str = "") -> QLineEdit:
    """A line edit of a fixed comfortable width."""
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    edit.setMinimumWidth(width)
    edit.setPlaceholderText(placeholder)
    return edit


def error_label() -> QLabel:
    """A red message under a group, hidden while empty."""
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def target_spin() -> QSpinBox:
    """A yearly target: 0–1,000,000, or 未设 at the minimum."""
    spin = QSpinBox()
    spin.setRange(NOT_SET, 1_000_000)
    spin.setSpecialValueText(_tr("未设"))
    spin.setSuffix(_tr(" 家"))
    spin.setMinimumWidth(140)
    return spin


def backup_list() -> QTreeWidget:
    """The automatic backups: time, reason, size (one row each, newest first)."""
    tree = QTreeWidget()
    tree.setHeaderLabels([_tr("时间"), _tr("原因"), _tr("大小")])
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setMinimumHeight(150)
    tree.setColumnWidth(0, 150)
    tree.setColumnWidth(1, 110)
    header = tree.header()  # the reason takes the room; the size stays beside it, right-aligned
    header.setStretchLastSection(False)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    tree.headerItem().setTextAlignment(
        2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    return tree


def money_spin() -> QDoubleSpinBox:
    """A revenue threshold in 万元."""
    spin = QDoubleSpinBox()
    spin.setRange(0.0, 100_000_000.0)
    spin.setDecimals(0)
    spin.setGroupSeparatorShown(True)
    spin.setSuffix(_tr(" 万元"))
    spin.setMinimumWidth(160)
    return spin


def limit_spin(name: str) -> QSpinBox | QDoubleSpinBox:
    """A 高企后备库 threshold in its range (years as whole numbers, ratios to one decimal)."""
    limit = CANDIDATE_LIMITS[name]
    spin: QSpinBox | QDoubleSpinBox
    if limit.decimals == 0:
        spin = QSpinBox()
        spin.setRange(int(limit.low), int(limit.high))
    else:
        spin = QDoubleSpinBox()
        spin.setRange(limit.low, limit.high)
        spin.setDecimals(limit.decimals)
        spin.setSingleStep(0.5)
    spin.setSuffix(_tr(limit.suffix))
    spin.setMinimumWidth(120)
    return spin


class Form(QFormLayout):
    """A form whose labels share one width, so fields line up across groups."""

    def add(self, text: str, field: QWidget) -> None:
        """A row: a right-aligned label of the common width, then the field."""
        label = QLabel(text)
        label.setMinimumWidth(label.fontMetrics().horizontalAdvance("无研发活动门槛") + 4)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setBuddy(field)
        self.addRow(label, field)


def form() -> Form:
    """A form with labels right-aligned like Windows dialogs."""
    layout = Form()
    layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    layout.setHorizontalSpacing(12)
    layout.setVerticalSpacing(8)
    return layout


class SettingsView(QWidget):
    """Every widget of the settings screen, laid out in groups."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bureau_name = line_edit(placeholder=_tr("如：某某区科学技术局"))
        self.province_code = line_edit(2, 80, "34")
        self.district_code = line_edit(6, 120, _tr("6位数字"))
        self.head_of_unit = line_edit()
        self.head_of_statistics = line_edit()
        self.preparer = line_edit()
        self.contact_phone = line_edit(32)
        self.target_year = QSpinBox()
        self.target_year.setRange(FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
        self.target_year.setValue(QDate.currentDate().year())
        self.target_year.setSuffix(_tr(" 年"))
        self.target_high_tech = target_spin()
        self.target_tech_sme = target_spin()
        self.expiry_warning_days = QSpinBox()
        self.expiry_warning_days.setRange(1, 3650)
        self.expiry_warning_days.setSuffix(_tr(" 天"))
        self.rd_list_a_revenue = money_spin()
        self.rd_list_b_revenue = money_spin()
        for name in CANDIDATE_FIELDS:
            setattr(self, name, limit_spin(name))
        self.candidate_error = error_label()
        self.keep_daily = QSpinBox()
        self.keep_daily.setRange(*KEEP_DAILY_RANGE)
        self.keep_daily.setSuffix(_tr(" 天"))
        self.keep_weekly = QSpinBox()
        self.keep_weekly.setRange(*KEEP_WEEKLY_RANGE)
        self.keep_weekly.setSuffix(_tr(" 周"))
        self.backups = backup_list()
        self.restore_backup = QPushButton(_tr("恢复所选备份…"))
        self.restore_file = QPushButton(_tr("从文件恢复…"))
        self.restore_file.setToolTip(
            _tr("选择别处保存的备份文件（例如用命令行备份到U盘的文件）来恢复")
        )
        self.backup_file = QPushButton(_tr("备份到文件…"))
        self.backup_file.setToolTip(_tr("把当前的全部数据另存为一个备份文件"))
        self.backup_hint = hint(_tr(AUTO_BACKUP_HINT))
        self.backup_folder = QLabel()
        self.backup_folder.setWordWrap(True)
        self.backup_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_backup_folder = QPushButton(_tr("打开备份文件夹"))
        self.backup_message = error_label()
        self.backup_error = error_label()
        self.operator = line_edit(32)
        self.towns = QListWidget()
        self.towns.setMinimumHeight(170)
        self.move_up = QPushButton(_tr("上移"))
        self.move_up.setToolTip(_tr("所选镇街在各处列表中往前排"))
        self.move_down = QPushButton(_tr("下移"))
        self.move_down.setToolTip(_tr("所选镇街在各处列表中往后排"))
        self.remove_town = QPushButton(_tr("删除所选…"))
        self.remove_town.setToolTip(_tr("只能删除没有任何记录使用的镇街"))
        self.town_name = line_edit(64, 200, _tr("镇街名称"))
        self.add_town = QPushButton(_tr("添加"))
        self.rename_town = QPushButton(_tr("重命名所选"))
        self.town_aliases = line_edit(512, 200, _tr("多个别名用逗号分隔"))
        self.save_aliases = QPushButton(_tr("保存别名"))
        self.town_message = error_label()
        self.bureau_error = error_label()
        self.signatory_error = error_label()
        self.target_error = error_label()
        self.threshold_error = error_label()
        self.operator_error = error_label()
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.revert = QPushButton(_tr("还原"))
        self.save = QPushButton(_tr("保存"))
        self.save.setObjectName("primary")
        self.save.setDefault(True)
        self._lay_out()

    def _lay_out(self) -> None:
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self._bureau_group())
        left.addWidget(self._signatory_group())
        left.addWidget(self._operator_group())
        left.addWidget(self._threshold_group())
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self._town_group())
        right.addWidget(self._target_group())
        right.addWidget(self._candidate_group())
        right.addStretch(1)
        columns = QHBoxLayout(self)
        columns.setContentsMargins(24, 4, 24, 12)
        columns.setSpacing(16)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.backup_tab = self.backup_page()

    def header_bar(self) -> QWidget:
        """The screen title (kept above the scrolled form)."""
        bar = QWidget()
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(24, 18, 24, 6)
        layout.addWidget(screen_title(_tr("设置")))
        layout.addStretch(1)
        return bar

    def button_bar(self) -> QWidget:
        """Status text, 还原 and 保存 (kept below the scrolled form, always visible)."""
        bar = QWidget()
        bar.setObjectName("buttonBar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(24, 8, 24, 12)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.revert)
        layout.addWidget(self.save)
        return bar

    def _group(self, title: str, body: Form | QVBoxLayout, error: QLabel) -> QGroupBox:
        box = QGroupBox(title)
        outer = QVBoxLayout(box)
        outer.setSpacing(6)
        outer.addLayout(body)
        outer.addWidget(error)
        return box

    def _bureau_group(self) -> QGroupBox:
        body = form()
        body.add(_tr("单位名称"), self.bureau_name)
        body.add(_tr("省份代码"), self.province_code)
        body.add(_tr("区县代码"), self.district_code)
        return self._group(_tr("本单位"), body, self.bureau_error)

    def _signatory_group(self) -> QGroupBox:
        body = form()
        body.add(_tr("单位负责人"), self.head_of_unit)
        body.add(_tr("统计负责人"), self.head_of_statistics)
        body.add(_tr("填表人"), self.preparer)
        body.add(_tr("联系电话"), self.contact_phone)
        return self._group(_tr("报表签署人"), body, self.signatory_error)

    def _target_group(self) -> QGroupBox:
        body = form()
        body.add(_tr("年度"), self.target_year)
        body.add(_tr("高新技术企业"), self.target_high_tech)
        body.add(_tr("科技型中小企业"), self.target_tech_sme)
        return self._group(_tr("“双突破”年度目标"), body, self.target_error)

    def _threshold_group(self) -> QGroupBox:
        body = form()
        body.add(_tr("资质到期预警"), self.expiry_warning_days)
        body.add(_tr("无研发活动门槛"), self.rd_list_a_revenue)
        body.add(_tr("无研发机构门槛"), self.rd_list_b_revenue)
        body.addRow(
            hint(
                _tr(
                    "资质在到期前这么多天起提示续期。规上工业企业营业收入达到门槛且无研发活动"
                    "（或无研发机构）的，列入“两清零”名单。"
                )
            )
        )
        return self._group(_tr("阈值"), body, self.threshold_error)

    def _candidate_group(self) -> QGroupBox:
        body = form()
        for name in CANDIDATE_FIELDS:
            body.add(_tr(CANDIDATE_LIMITS[name].label), getattr(self, name))
        body.addRow(
            hint(
                _tr(
                    "列入高企后备库（培育库）的条件：注册满规定年限，研发费用占营业收入的比例"
                    "按营业收入分档达标，研发人员占职工总数的比例达标（国科发火〔2016〕32号）。"
                )
            )
        )
        return self._group(_tr("高企后备库条件"), body, self.candidate_error)

    def backup_page(self) -> QWidget:
        """Tab 备份: the automatic backups, their retention, 备份到文件 and the restores."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 4, 24, 12)
        layout.addWidget(self._backup_group(), 1)
        return page

    def _backup_group(self) -> QGroupBox:
        body = QVBoxLayout()
        body.setSpacing(8)
        keep = form()
        keep.add(_tr("每日备份保留"), self.keep_daily)
        keep.add(_tr("每周备份保留"), self.keep_weekly)
        body.addLayout(keep)
        self.backup_keep = keep
        body.addWidget(self.backups, 1)
        row = QHBoxLayout()
        row.addWidget(self.backup_message, 1)
        row.addStretch(0)
        row.addWidget(self.backup_file, 0, Qt.AlignmentFlag.AlignRight)
        row.addWidget(self.restore_file, 0, Qt.AlignmentFlag.AlignRight)
        row.addWidget(self.restore_backup, 0, Qt.AlignmentFlag.AlignRight)
        body.addLayout(row)
        folder = QHBoxLayout()
        folder.addWidget(self.backup_folder, 1)
        folder.addWidget(self.open_backup_folder, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(folder)
        body.addWidget(self.backup_hint)
        self.backup_box = self._group(_tr("自动备份"), body, self.backup_error)
        return self.backup_box

    def _operator_group(self) -> QGroupBox:
        body = form()
        body.add(_tr("操作员姓名"), self.operator)
        body.addRow(hint(_tr("操作员姓名记录在每一条修改的操作日志中，只保存在本机。")))
        return self._group(_tr("本机用户"), body, self.operator_error)

    def _town_group(self) -> QGroupBox:
        edit = QGridLayout()
        edit.setHorizontalSpacing(8)
        edit.setVerticalSpacing(8)
        edit.addWidget(self.town_name, 0, 0)
        edit.addWidget(self.add_town, 0, 1)
        edit.addWidget(self.rename_town, 0, 2)
        edit.addWidget(QLabel(_tr("所选镇街的别名")), 1, 0, 1, 3)
        edit.addWidget(self.town_aliases, 2, 0)
        edit.addWidget(self.save_aliases, 2, 1)
        edit.setColumnStretch(0, 1)
        moves = QVBoxLayout()
        moves.setSpacing(8)
        for button in (self.move_up, self.move_down):
            moves.addWidget(button)
        moves.addStretch(1)
        moves.addWidget(self.remove_town)
        listed = QHBoxLayout()
        listed.setSpacing(8)
        listed.addWidget(self.towns, 1)
        listed.addLayout(moves)
        body = QVBoxLayout()
        body.setSpacing(8)
        body.addLayout(listed, 1)
        body.addLayout(edit)
        body.addWidget(
            hint(
                _tr(
                    "镇街的修改立即生效。改名后旧名称自动成为别名，旧表格仍能识别。"
                    "排列顺序即各处列表和报表中镇街的顺序。"
                )
            )
        )
        return self._group(_tr("镇街（乡镇/街道）"), body, self.town_message)
