"""Forms for editing sessions in the app (organisers)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .filechecks import control_characters
from .models import SessionKind

KIND_LABELS = {
    SessionKind.OPENING: _l("Opening"),
    SessionKind.CLOSING: _l("Closing"),
    SessionKind.PLENARY: _l("Plenary"),
    SessionKind.KEYNOTE: _l("Keynote"),
    SessionKind.PANEL: _l("Panel"),
    SessionKind.MINISTERIAL: _l("Ministerial"),
    SessionKind.WORKING_GROUP: _l("Working group"),
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.BILATERAL: _l("Bilateral"),
    SessionKind.BREAK: _l("Break"),
}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _zone_field() -> RadioField:
    # The labels name the actual zones; the view fills them in.
    return RadioField(
        _l("The times above are in"),
        choices=[SelectChoice("event", ""), SelectChoice("mine", "")],
        default="event",
        validators=[DataRequired()],
    )


def _notify_field() -> BooleanField:
    return BooleanField(
        _l("Then tell its members (next page: send the update by e-mail, or download it)"),
        default=True,
    )


def _one_line(form, field) -> None:
    """A title is one line: e-mail subjects and calendar entries break on control characters."""
    if field.data and control_characters(field.data):
        raise ValidationError(
            _l("Write the title on one line, without line breaks or other control characters.")
        )


class SessionForm(FlaskForm):
    key = StringField(
        _l("Key"),
        validators=[Optional(), Length(max=64)],
        description=_l(
            "Lower-case letters, digits and hyphens, like "
            "“wg1-meeting-2”. Calendars use it to recognise the session; "
            "it cannot change later."
        ),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300), _one_line])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        default=SessionKind.PLENARY.value,
        validators=[DataRequired()],
    )
    # Choices are the event's groups; an unknown key is refused by the service with a clear message.
    working_group = SelectField(_l("Working group"), choices=[], validate_choice=False)
    starts = DateTimeLocalField(_l("Starts"), format=LOCAL_FORMAT, validators=[DataRequired()])
    ends = DateTimeLocalField(_l("Ends"), format=LOCAL_FORMAT, validators=[DataRequired()])
    zone = _zone_field()
    public = BooleanField(
        _l("Public: anyone can see this session, its page and its calendar entry")
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=20_000)])
    location = StringField(_l("Place (for hybrid meetings)"), validators=[Length(max=300)])
    join_url = StringField(
        _l("Video-call link (shown to members only)"), validators=[Length(max=1000)]
    )
    notify = _notify_field()


class MoveForm(FlaskForm):
    starts = DateTimeLocalField(_l("New start"), format=LOCAL_FORMAT, validators=[DataRequired()])
    ends = DateTimeLocalField(
        _l("New end (leave empty to keep the length)"), format=LOCAL_FORMAT, validators=[Optional()]
    )
    zone = _zone_field()
    notify = _notify_field()


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token (cancel, restore)."""
