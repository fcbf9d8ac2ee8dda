"""首次设置向导: the bureau set up on a new store (desktop/ui/firstrun/wizard.py).

The shell calls `maybe_offer_first_run(window, ctx)` once the store is attached; 帮助 → 首次设置向导…
calls `offer_first_run(window, ctx)`.
"""

from desktop.ui.firstrun.wizard import (
    FirstRunWizard,
    first_run_needed,
    maybe_offer_first_run,
    offer_first_run,
)

__all__ = ["FirstRunWizard", "first_run_needed", "maybe_offer_first_run", "offer_first_run"]
