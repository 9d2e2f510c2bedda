"""Forms for asking, answering, cancelling, organisers' moves, windows and her settings."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..accounts.forms import KnownChoice, Printable
from .models import Accepting

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes (phone-friendly), validated against the view's choices."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SlotsField(Checkboxes):
    def pre_validate(self, form):
        known = {value for value, _label in self.choices}
        if not self.data:
            raise ValidationError(_l("Choose at least one time."))
        if len(self.data) > 3:
            raise ValidationError(_l("Choose at most three times."))
        if any(value not in known for value in self.data):
            raise ValidationError(_l("One of these times is no longer free. Choose again."))


class AskForm(FlaskForm):
    slots = SlotsField(_l("Times you propose (one to three)"))
    purpose = TextAreaField(
        _l("Purpose"),
        description=_l("A sentence or two on what you would like to discuss."),
        validators=[Length(max=1000, message=_l("Use at most %(max)d characters."))],
    )
    call_url = StringField(
        _l("Video-call link (optional)"),
        description=_l("For an online meeting. Only the two of you will see it."),
        validators=[Optional(), Length(max=1000), Printable()],
        render_kw={"inputmode": "url"},
    )


class AcceptForm(FlaskForm):
    slot = RadioField(
        _l("Choose a time"),
        validate_choice=False,
        validators=[KnownChoice(_l("Choose one of the times proposed."))],
    )


class CounterForm(FlaskForm):
    slots = SlotsField(_l("Times you propose instead (one to three)"))
    message = TextAreaField(
        _l("Message (optional)"),
        validators=[Length(max=1000, message=_l("Use at most %(max)d characters."))],
    )


class MessageForm(FlaskForm):
    """Decline or cancel, with an optional message."""

    message = TextAreaField(
        _l("Message (optional)"),
        validators=[Length(max=1000, message=_l("Use at most %(max)d characters."))],
    )


class MoveForm(FlaskForm):
    starts = SelectField(
        _l("New time"),
        validate_choice=False,
        validators=[KnownChoice(_l("Choose one of the window's slots."))],
    )
    place = SelectField(
        _l("Table"),
        validate_choice=False,
        validators=[KnownChoice(_l("Choose one of the tables."))],
    )
    message = TextAreaField(
        _l("Reason (told to both)"),
        validators=[Length(max=1000, message=_l("Use at most %(max)d characters."))],
    )


class WindowForm(FlaskForm):
    slot_minutes = IntegerField(
        _l("Slot length (minutes)"),
        validators=[
            InputRequired(_l("Enter the length of a slot.")),
            NumberRange(min=10, max=240, message=_l("Between 10 and 240 minutes.")),
        ],
    )
    tables = TextAreaField(
        _l("Tables or rooms"),
        description=_l(
            "One per line, for meetings in person or hybrid. Leave empty for online meetings."
        ),
    )
    call_url = StringField(
        _l("Default video-call link"),
        description=_l("Used for online meetings when the person asking gives none."),
        validators=[Optional(), Length(max=1000), Printable()],
        render_kw={"inputmode": "url"},
    )


def _hhmm(message):
    def check(form, field):
        if not _HHMM.match(field.data or ""):
            raise ValidationError(message)

    return check


def to_minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class PreferencesForm(FlaskForm):
    accepting = RadioField(
        _l("Who may ask you for a bilateral meeting"),
        choices=[
            (Accepting.EVERYONE.value, _l("Anyone taking part in the event")),
            (Accepting.MY_NETWORKS.value, _l("Only people of my own networks")),
            (Accepting.NOBODY.value, _l("Nobody: I do not take requests")),
        ],
    )
    work_starts = StringField(
        _l("My working day starts at"),
        description=_l("In your own time zone. Used to find times outside the bilateral windows."),
        validators=[_hhmm(_l("Enter a time like 09:00."))],
        render_kw={"type": "time"},
    )
    work_ends = StringField(
        _l("and ends at"),
        validators=[_hhmm(_l("Enter a time like 17:00."))],
        render_kw={"type": "time"},
    )
