"""The editor's 技术合同与成果 tab: the enterprise's contracts as seller and as buyer, the results it
completed and the transfers it took up (linked by its code). Read-only here: a double-click asks
the editor to open the record in its own screen (技术合同 / 科技成果)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.services.contracts.queries import ContractView, EnterpriseLedger, ResultView, TransferView
from desktop.ui.common.layout import table_view
from desktop.ui.common.tables import Col, ViewTableModel
from desktop.ui.common.widgets import hint

SELLER, BUYER = "卖方", "买方"


@dataclass(frozen=True)
class RoleContract:
    """A contract of the enterprise, with the part it plays in it."""

    role: str  # 卖方 / 买方
    contract: ContractView

    @property
    def id(self) -> int:
        return self.contract.id


def money(value: float | None) -> str:
    """万元 with thousands and 2 decimals; blank for None."""
    return "" if value is None else f"{value:,.2f}"


def _other(r: RoleContract) -> str:
    c = r.contract
    return c.buyer_name if r.role == SELLER else c.seller_name


CONTRACT_COLUMNS: list[Col[RoleContract]] = [
    Col("角色", lambda r: r.role),
    Col("登记号", lambda r: r.contract.reg_no),
    Col("登记日期", lambda r: r.contract.registered_on.isoformat()),
    Col("合同名称", lambda r: r.contract.name),
    Col("合同类型", lambda r: r.contract.contract_type),
    Col("对方", _other),
    Col("合同成交额(万元)", lambda r: money(r.contract.amount), lambda r: r.contract.amount, True),
]
RESULT_COLUMNS: list[Col[ResultView]] = [
    Col("登记号", lambda r: r.reg_no),
    Col("成果名称", lambda r: r.name),
    Col("登记日期", lambda r: r.registered_on.isoformat()),
    Col("转化次数", lambda r: str(r.transfers), lambda r: r.transfers, True),
]
TRANSFER_COLUMNS: list[Col[TransferView]] = [
    Col("转化日期", lambda t: t.transferred_on.isoformat()),
    Col("成果名称", lambda t: t.result_name),
    Col("完成单位", lambda t: t.completer_name),
    Col("转化方式", lambda t: t.method),
    Col("合同金额(万元)", lambda t: money(t.amount), lambda t: t.amount, True),
]


def _titled(title: QLabel, view: QTableView) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.addWidget(title)
    layout.addWidget(view, 1)
    return box


class LedgerTab(QWidget):
    """The enterprise in the technology-contract ledger; `open_requested(screen, options)`."""

    open_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contract_model: ViewTableModel[RoleContract] = ViewTableModel(CONTRACT_COLUMNS, self)
        self.result_model: ViewTableModel[ResultView] = ViewTableModel(RESULT_COLUMNS, self)
        self.transfer_model: ViewTableModel[TransferView] = ViewTableModel(TRANSFER_COLUMNS, self)
        self.contract_view = table_view(self.contract_model)
        self.result_view = table_view(self.result_model)
        self.transfer_view = table_view(self.transfer_model)
        self.summary = QLabel()
        self.summary.setObjectName("sectionHeader")
        self.contract_title, self.result_title, self.transfer_title = QLabel(), QLabel(), QLabel()
        # table_view() sizes each column to its text as rows come (names elide at 28 characters,
        # with a tooltip); fixed sample widths cut a counterpart's name longer than the sample
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(_titled(self.contract_title, self.contract_view))
        split.addWidget(_titled(self.result_title, self.result_view))
        split.addWidget(_titled(self.transfer_title, self.transfer_view))
        split.setSizes([260, 130, 130])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(
            hint(
                self.tr(
                    "按统一社会信用代码与名录关联。双击一行到“技术合同”或“科技成果”中查看和编辑。"
                )
            )
        )
        self.contract_view.doubleClicked.connect(self._contract_clicked)
        self.result_view.doubleClicked.connect(self._result_clicked)
        self.transfer_view.doubleClicked.connect(self._transfer_clicked)
        self.name = ""
        self.show_ledger(EnterpriseLedger([], [], [], []), "")

    def show_ledger(self, ledger: EnterpriseLedger, name: str) -> None:
        """Show the enterprise's contracts, results and transfers."""
        self.name = name
        rows = [RoleContract(SELLER, c) for c in ledger.as_seller]
        rows += [RoleContract(BUYER, c) for c in ledger.as_buyer]
        rows.sort(key=lambda r: (r.contract.registered_on, r.id), reverse=True)
        self.contract_model.set_rows(rows)
        self.result_model.set_rows(ledger.results)
        self.transfer_model.set_rows(ledger.transfers)
        sold = sum(c.amount for c in ledger.as_seller)
        bought = sum(c.amount for c in ledger.as_buyer)
        self.summary.setText(
            self.tr(
                "作为卖方 {s} 件 {sa} 万元；作为买方 {b} 件 {ba} 万元；"
                "完成成果 {r} 项；承接成果转化 {t} 次"
            ).format(
                s=len(ledger.as_seller),
                sa=f"{sold:,.2f}",
                b=len(ledger.as_buyer),
                ba=f"{bought:,.2f}",
                r=len(ledger.results),
                t=len(ledger.transfers),
            )
        )
        self.contract_title.setText(self.tr("技术合同（卖方与买方）"))
        self.result_title.setText(self.tr("完成的科技成果"))
        self.transfer_title.setText(self.tr("承接的成果转化"))

    def _result_ids(self) -> tuple[int, ...]:
        ids = [r.id for r in self.result_model.rows()]
        ids += [t.result_id for t in self.transfer_model.rows() if t.result_id not in ids]
        return tuple(ids)

    @Slot(QModelIndex)
    def _contract_clicked(self, index: QModelIndex) -> None:
        ids = tuple(r.id for r in self.contract_model.rows())
        label = self.tr("{name}的技术合同 · {n}件").format(name=self.name, n=len(ids))
        picked = self.contract_model.row_at(index.row()).id
        self.open_requested.emit("contracts", {"ids": ids, "label": label, "open_id": picked})

    @Slot(QModelIndex)
    def _result_clicked(self, index: QModelIndex) -> None:
        ids = self._result_ids()
        label = self.tr("{name}的科技成果与转化 · {n}项").format(name=self.name, n=len(ids))
        picked = self.result_model.row_at(index.row()).id
        self.open_requested.emit("results", {"ids": ids, "label": label, "open_id": picked})

    @Slot(QModelIndex)
    def _transfer_clicked(self, index: QModelIndex) -> None:
        ids = self._result_ids()
        label = self.tr("{name}的科技成果与转化 · {n}项").format(name=self.name, n=len(ids))
        t = self.transfer_model.row_at(index.row())
        options = {"ids": ids, "label": label, "open_id": t.result_id, "transfer_id": t.id}
        self.open_requested.emit("results", options)
