"""Every callback id, action id and block id the app uses, in one place.

The shortcut callback ids are also written in the app manifests (manifests/*.json): keep them equal.
"""

from __future__ import annotations

from enum import StrEnum


class Shortcut(StrEnum):
    LOG_INTERACTION = "brm_log_interaction"  # message shortcut
    RAISE_ISSUE = "brm_raise_issue"  # message shortcut
    NEW_INTERACTION = "brm_new_interaction"  # global shortcut


class View(StrEnum):
    INTERACTION = "brm_interaction_modal"
    ISSUE = "brm_issue_modal"
    ALREADY_CAPTURED = "brm_already_captured_modal"  # shown instead of a form; nothing to submit


# The block and action ids inside the capture forms live with the forms: bot.form_fields.Field.


class Action(StrEnum):
    NUDGE_CLOSE = "brm_nudge_close"
    NUDGE_SNOOZE_DAY = "brm_nudge_snooze_day"
    NUDGE_SNOOZE_WEEK = "brm_nudge_snooze_week"
    NUDGE_REOPEN = "brm_nudge_reopen"
