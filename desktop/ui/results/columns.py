"""What the tables of 科技成果 show: the results and the selected result's transfers."""

from __future__ import annotations

from db.services.contracts.queries import ResultView, TransferView
from desktop.ui.common.tables import OK_COLOUR, Col


def money(value: float | None) -> str:
    """万元 with thousands and 2 decimals; blank for None."""
    return "" if value is None else f"{value:,.2f}"


def place(enterprise_id: int | None, local: bool | None) -> str:
    """名录企业 / 区内 / 区外 / blank: where a party is, as the ledger knows it."""
    if enterprise_id is not None:
        return "名录企业"
    if local is None:
        return ""
    return "区内" if local else "区外"


RESULT_COLUMNS: list[Col[ResultView]] = [
    Col("登记号", lambda r: r.reg_no),
    Col("成果名称", lambda r: r.name),
    Col("完成单位", lambda r: r.completer_name),
    Col("完成单位所在", lambda r: place(r.completer_enterprise_id, r.completer_local)),
    Col("成果类型", lambda r: r.result_type or ""),
    Col("登记日期", lambda r: r.registered_on.isoformat(), lambda r: r.registered_on),
    Col("技术领域", lambda r: r.field or ""),
    Col("所属镇街", lambda r: r.town or ""),
    Col("转化次数", lambda r: str(r.transfers), lambda r: r.transfers, True),
]


def _contract(t: TransferView) -> str:
    if not t.contract_reg_no:
        return ""
    return t.contract_reg_no + ("" if t.contract_id is not None else "（未登记）")


TRANSFER_COLUMNS: list[Col[TransferView]] = [
    Col("转化日期", lambda t: t.transferred_on.isoformat(), lambda t: t.transferred_on),
    Col("转化方式", lambda t: t.method),
    Col("承接单位", lambda t: t.taker_name),
    Col("承接单位所在", lambda t: place(t.taker_enterprise_id, t.taker_local)),
    Col(
        "本地转化",
        lambda t: "是" if t.local else "否",
        colour=lambda t: OK_COLOUR if t.local else None,
    ),
    Col("合同金额(万元)", lambda t: money(t.amount), lambda t: t.amount, True),
    Col("关联技术合同", _contract),
    Col("备注", lambda t: t.note or ""),
]
