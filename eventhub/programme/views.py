"""Event home, programme, session and working-group pages."""

from flask import Blueprint

bp = Blueprint("programme", __name__)
blueprints = [bp]
