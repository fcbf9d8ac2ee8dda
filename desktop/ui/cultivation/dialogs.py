"""纳入培育 / 变更阶段: the stage, its date and a note; saved by the pipeline's named operation."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from db.rules.cultivation import CULTIVATING, DECLARED, TRACKS, TRANSITIONS
from db.services.plans import cultivation_pipeline as pipeline
from db.services.plans.cultivation import candidate_of
from db.services.versions import NOT_STORED
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
        version: int | None = None,
    ) -> None:
        title = QCoreApplication.translate(
            "StageDialog", "纳入培育库" if stage is None else "变更培育阶段"
        )
        super().__init__(ctx, title, parent, enterprise_id)
        self.enterprise_id, self.year, self.track, self.current = enterprise_id, year, track, stage
        self.version = version  # the entry's version shown (NOT_STORED: not in the pipeline)
        where = self.tr("{name}（{year}年{track}培育库）").format(
            name=name, year=year, track=TRACKS[track]
        )
        self.form.addRow(self.tr("企业"), QLabel(where))
        self.current_label = QLabel(stage or "")
        if stage is not None:
            self.form.addRow(self.tr("当前阶段"), self.current_label)
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

    def load_current(self) -> None:
        """The entry as stored now (another desk changed it): its stage, note and version."""
        with self._ctx.session() as s:
            c = candidate_of(s, self.enterprise_id, self.year, track=self.track)
        self.current = None if c is None else c.stage
        self.version = NOT_STORED if c is None else c.entry_version
        self.current_label.setText(self.current or self.tr("（未纳入培育库）"))
        box = self.widget("stage")
        box.clear()
        for name in next_stages(self.current):
            box.addItem(name, name)
        self.widget("note").setPlainText((c.note if c is not None else None) or "")

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
            expected_version=self.version,
        )
