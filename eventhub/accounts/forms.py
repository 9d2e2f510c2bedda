"""Forms for signing in, the profile, invitations and memberships (choices filled in by the view)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from ..errors import Invalid
from ..i18n import LANGUAGE_NAMES, valid_zone, zone_choices
from . import service


class Printable:
    """Refuses control characters (NUL, line breaks, escapes) in one-line text."""

    def __call__(self, form, field):
        if field.data and service.has_control_characters(field.data):
            raise ValidationError(_l("This contains characters that cannot be shown."))


class KnownChoice:
    """Refuses a value not among the field's choices, with `message`."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(self.message)


class EmailAddress:
    """A real e-mail address (via email-validator), normalised to lower case."""

    def __call__(self, form, field):
        try:
            field.data = service.clean_email(field.data or "")
        except Invalid as error:
            raise ValidationError(error.message) from None


class LoginForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Length(max=service.MAX_EMAIL_LENGTH, message=_l("That is not an e-mail address.")),
        ],
        render_kw={"autocomplete": "username", "inputmode": "email", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=service.MAX_PASSWORD_LENGTH, message=_l("That password is too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


def _language_choices():
    return [("", _l("As my browser asks"))] + [
        (code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LANGUAGES"]
    ]


def _zone_choices():
    return [("", _l("Detect from my browser"))] + [(zone, zone) for zone in zone_choices()]


def _name_field(*, required: bool) -> StringField:
    return StringField(
        _l("Name"),
        validators=[
            *([DataRequired(_l("Enter your name."))] if required else []),
            Length(max=service.MAX_NAME_LENGTH, message=_l("Use at most %(max)d characters.")),
            Printable(),
        ],
        render_kw={"autocomplete": "name"},
    )


def _display_name_field(label, description) -> StringField:
    return StringField(
        label,
        description=description,
        validators=[
            Length(
                max=service.MAX_DISPLAY_NAME_LENGTH, message=_l("Use at most %(max)d characters.")
            ),
            Printable(),
        ],
        render_kw={"autocomplete": "nickname"},
    )


def _role_field() -> SelectField:
    """Filled with the roles she may give by the view."""
    return SelectField(
        _l("Role"),
        validate_choice=False,
        validators=[KnownChoice(_l("Choose one of the roles in the list."))],
    )


class ProfileForm(FlaskForm):
    name = _name_field(required=False)
    display_name = _display_name_field(
        _l("Display name"),
        _l(
            "Shown to other people instead of your name, for example in working-group rooms "
            "and on the board. Leave it empty to show your name."
        ),
    )
    language = SelectField(
        _l("Language"),
        validate_choice=False,
        validators=[KnownChoice(_l("Choose one of the languages in the list."))],
    )
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Times in the programme are shown in this time zone."),
        validate_choice=False,
        validators=[
            KnownChoice(_l("Choose a time zone from the list, or let your browser detect it."))
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = _language_choices()
        self.timezone.choices = _zone_choices()

    def validate_timezone(self, field):
        if field.data and valid_zone(field.data) is None:
            raise ValidationError(_l("That is not a time zone we know."))


def _new_password_fields(label):
    password = PasswordField(
        label,
        description=_l("At least %(count)d characters.", count=service.MIN_PASSWORD_LENGTH),
        validators=[
            InputRequired(_l("Choose a password.")),
            Length(
                min=service.MIN_PASSWORD_LENGTH,
                max=service.MAX_PASSWORD_LENGTH,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
            Printable(),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class PasswordForm(FlaskForm):
    """Change her password (she types the current one first)."""

    current = PasswordField(
        _l("Current password"),
        validators=[
            InputRequired(_l("Enter your current password.")),
            Length(max=service.MAX_PASSWORD_LENGTH, message=_l("That password is too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = _new_password_fields(_l("New password"))


class NewAccountForm(FlaskForm):
    """A new person's account, created when she accepts an invitation."""

    name = _name_field(required=True)
    display_name = _display_name_field(
        _l("Display name (optional)"),
        _l("Shown to other people instead of your name. Leave it empty to show your name."),
    )
    password, confirm = _new_password_fields(_l("Password"))


class InviteForm(FlaskForm):
    """Invite someone by e-mail address with a role, event-wide or in one working group."""

    email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Enter the e-mail address to invite.")), EmailAddress()],
        render_kw={"inputmode": "email", "autocomplete": "off"},
    )
    role = _role_field()
    working_group = SelectField(
        _l("Where"),
        description=_l("Organisers and observers are always invited to the whole event."),
        validate_choice=False,
        validators=[KnownChoice(_l("Choose the whole event or one of its working groups."))],
    )


class RoleForm(FlaskForm):
    """Change the role of one membership."""

    role = _role_field()


class ConfirmForm(FlaskForm):
    """A button that does one thing (carries only the CSRF token)."""
