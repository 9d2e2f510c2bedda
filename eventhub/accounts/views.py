"""Sign in and out, invitations, profile."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
blueprints = [bp]
