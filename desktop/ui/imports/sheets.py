"""The sheets of a plan as the preview shows them: kind, header row, town and where it came from,
which column fills which field (auto-matched, saved hand mapping, the clerk's choice)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from db.rules.text import normalize_header
from desktop.importing.engine import ImportPlan, SheetPlan
from desktop.importing.header import match_labels
from desktop.importing.schemas import schema_for

IGNORE = ""
ROW_TOWN = "本行"  # a row's own 所属镇街 cell


@dataclass(frozen=True)
class PlanSheets:
    """The sheets a plan imports, the sheets it passed over (name, reason) and its towns' names."""

    sheets: list[SheetPlan]
    skipped: list[tuple[str, str]]
    town_names: dict[int, str]

    @property
    def several(self) -> bool:
        """More than one imported sheet (the preview then names each row's sheet)."""
        return len(self.sheets) > 1

    def sheet(self, name: str) -> SheetPlan:
        """The sheet of that name (the first when no sheet has it)."""
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        return self.sheets[0]


def sheets_of(plan: ImportPlan, towns: Mapping[int, str]) -> PlanSheets:
    """The plan's sheets, the sheets it passed over (name, reason) and its towns' names."""
    skipped = [(s.name, s.reason) for s in plan.skipped_sheets]
    return PlanSheets(list(plan.sheets), skipped, {**towns, **plan.town_names})


def row_of(item: Any) -> int:
    """The sheet row (1-based) of a preview item."""
    incoming = getattr(item, "incoming", None)
    return int(incoming.row if incoming is not None else item.row)


def sheet_of(item: Any) -> str:
    """The sheet name of a preview item."""
    incoming = getattr(item, "incoming", None)
    return str((incoming if incoming is not None else item).sheet)


def hand_mapping(sheet: SheetPlan, overrides: Mapping[str, str]) -> dict[str, str]:
    """Normalised header → field of a sheet: its saved hand mapping, then the clerk's choices."""
    out = {normalize_header(h): f for h, f in sheet.mapped.items()}
    out.update(overrides)
    return out


def column_fields(kind: str, labels: Sequence[str], mapping: Mapping[str, str]) -> list[str]:
    """For each column of a header: the field it fills, '' when ignored (like the engine's
    apply_mapping: a hand-mapped field is taken away from the column auto-matched to it)."""
    schema = schema_for(kind)
    known = {c.field for c in schema.columns}
    found, _units = match_labels(schema, list(labels))
    out = [IGNORE] * len(labels)
    for name, index in found.items():
        out[index] = name
    for index, label in enumerate(labels):
        wanted = mapping.get(normalize_header(label))
        if wanted is None or (wanted and wanted not in known):
            continue
        if wanted:
            out = [IGNORE if f == wanted else f for f in out]
        out[index] = wanted
    return out


def town_source_text(sheet: SheetPlan) -> str:
    """十九里镇（工作表名）: a sheet's town and where it came from; （按各行）without one."""
    if not sheet.town:
        return "按各行“所属镇街”"
    return f"{sheet.town}（{sheet.town_source}）" if sheet.town_source else sheet.town
