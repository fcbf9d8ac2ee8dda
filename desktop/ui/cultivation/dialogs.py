"""纳入培育 / 变更阶段: the stage, its date and a note; saved by the pipeline's named operation."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from db.rules.cultivation import CULTIVATING, DECLARED, TRACKS, TRANSITIONS
from db.services.plans import cultivation_pipeline as pipeline
from desktop.operations import Operation
from desktop.ui.common.fields import OptionalDateEdit
from desktop.ui.common.forms import FormDialog, combo
from desktop.ui.shell.context import AppContext


def next_stages(stage: str | None) -> tuple[str, ...]:
    """The stages an entry may move to (a new one: 培育中 or 已申报)."""
    return (CULTIVATING, DECLARED) if stage is None else TRANSITIONS.get(stage, ())


class StageDialog(FormDialog):
    """Put a candidate into a year's pipeline, or move its stage, with a date and a note."""

    def __init__(
        self,
        ctx: AppContext,
        enterprise_id: int,
        name: str,
        year: int,
        track: str,
        stage: str | None,
        note: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = QCoreApplication.translate(
            "StageDialog", "纳入培育库" if stage is None else "变更培育阶段"
        )
        super().__init__(ctx, title, parent, enterprise_id)
        self.enterprise_id, self.year, self.track, self.current = enterprise_id, year, track, stage
        where = self.tr("{name}（{year}年{track}培育库）").format(
            name=name, year=year, track=TRACKS[track]
        )
        self.form.addRow(self.tr("企业"), QLabel(where))
        if stage is not None:
            self.form.addRow(self.tr("当前阶段"), QLabel(stage))
        self.add_field(
            "stage", "新阶段" if stage else "阶段", combo([(s, s) for s in next_stages(stage)])
        )
        day = OptionalDateEdit()
        day.set_value(date.today())
        self.add_field("on", "日期", day)
        text = QPlainTextEdit()
        text.setPlainText(note or "")
        text.setFixedHeight(70)
        text.setTabChangesFocus(True)
        self.add_field("note", "备注", text)
        self.remember_initial()

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """A stage is required; the date may not lie ahead."""
        found: dict[str, str] = {}
        if not values.get("stage"):
            found["stage"] = self.tr("请选择阶段")
        day = values.get("on")
        if day is not None and day > date.today():
            found["on"] = self.tr("日期不能晚于今天")
        return found

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """move_enterprise: adds the entry when there is none, else moves it (audited)."""
        return partial(
            pipeline.move_enterprise,
            enterprise_id=self.enterprise_id,
            year=self.year,
            stage=values["stage"],
            operator=self._ctx.operator,
            track=self.track,
            on=values.get("on"),
            note=values.get("note") or "",
        )
