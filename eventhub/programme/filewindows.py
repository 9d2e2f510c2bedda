"""Programme files: a `bilateral` session's window (`[sessions.bilateral]`), from format 2 on.

[[sessions]]
key = "bilaterals-day-2"
kind = "bilateral"
...
[sessions.bilateral]
slot_minutes = 30                       # required: each meeting's length
tables = ["Table 1", "Table 2"]         # in person or hybrid; none: online meetings
call_url = "https://call.example.org/"  # online: the link when the person asking gives none
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _

from .filechecks import BAD, Field, Problems, a_text, list_of, read_table, url
from .filedata import BilateralWindowData
from .filesessions import build
from .models import SessionKind
from .windows import MAX_SLOT, MIN_SLOT


def minutes(problems: Problems, path: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_SLOT <= value <= MAX_SLOT:
        problems.add(
            path,
            _(
                "a whole number of minutes between %(min)d and %(max)d, such as 30",
                min=MIN_SLOT,
                max=MAX_SLOT,
            ),
        )
        return BAD
    return value


WINDOW_FIELDS = {
    "slot_minutes": Field(minutes, required=True),
    "tables": Field(list_of(a_text(200, nonempty=True))),
    "call_url": Field(url),
}


def check_bilateral(problems: Problems, path: str, values: dict, fmt: Any) -> None:
    """Check a session's `bilateral` table in place: format 2, kind bilateral, slots that fit."""
    if "bilateral" not in values:
        return
    where = f"{path}.bilateral"
    if fmt == 1:
        problems.add(where, _("bilateral windows need format 2; write format = 2 at the top"))
        values["bilateral"] = BAD
        return
    if values.get("kind") not in (SessionKind.BILATERAL, BAD):
        problems.add(
            where, _("only a session of kind “bilateral” has a bilateral window; set its kind")
        )
        values["bilateral"] = BAD
        return
    window = read_table(problems, where, values["bilateral"], WINDOW_FIELDS)
    if window is None:
        values["bilateral"] = BAD
        return
    starts, ends, length = values.get("starts"), values.get("ends"), window.get("slot_minutes")
    if BAD not in (starts, ends, length) and timedelta(minutes=length) > ends - starts:
        problems.add(f"{where}.slot_minutes", _("longer than the session; shorten the slots"))
        window["slot_minutes"] = BAD
    data = build(BilateralWindowData, window)
    values["bilateral"] = BAD if data is None else data
