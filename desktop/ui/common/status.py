"""The colours of an indicator's status (指标与目标, 首页's headline tiles): text and tint."""

from __future__ import annotations

from db.rules.indicators import BEHIND, DONE, NO_TARGET, ON_SCHEDULE

# status → (text colour, background tint)
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    DONE: ("#1e7b34", "#e3f3e6"),
    ON_SCHEDULE: ("#2b5797", "#e7eef8"),
    BEHIND: ("#b3401e", "#fbe8df"),
    NO_TARGET: ("#7a8793", "#eef1f4"),
}
