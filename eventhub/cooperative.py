"""Long work inside one request, cut into slices so that the server's other greenlets run between.

One loop serves every page and every live room of a web process, so a page that takes 400 ms
to render (the on-screen report of a 5 x 200-item event) would hold every room's messages for
400 ms. Work that loops over many items calls `hand_back_if_due()` in its loop: every few
milliseconds it lets the other greenlets run once. Under the threading mode (the CLI, job
consumers, tests) handing back is a plain `time.sleep(0)`.
"""

from __future__ import annotations

import time

from flask import current_app
from flask.signals import before_render_template, template_rendered

from .extensions import socketio

# Long enough that handing back costs nothing measurable, short enough to stay far below a
# room's delivery latency.
SLICE_SECONDS = 0.005

# When the loop was last handed back (one greenlet runs at a time, so one clock per process).
_since = time.perf_counter()


def hand_back_if_due() -> bool:
    """Let the other greenlets run if this one has had the loop for a slice; whether it did."""
    global _since
    if time.perf_counter() - _since < SLICE_SECONDS:
        return False
    server = socketio.server  # None where no app set Socket.IO up (a script building a file)
    (server.sleep if server is not None else time.sleep)(0.0001)
    _since = time.perf_counter()
    return True


def render_template_in_slices(template_name: str, **context) -> str:
    """Flask's `render_template` (same context, same signals), handing the loop back between
    the template's parts (a macro's output is one part: loops inside macros call
    `hand_back_if_due` themselves)."""
    global _since
    app = current_app._get_current_object()
    template = app.jinja_env.get_or_select_template(template_name)
    app.update_template_context(context)
    before_render_template.send(
        app, _async_wrapper=app.ensure_sync, template=template, context=context
    )
    _since = time.perf_counter()
    parts = []
    for part in template.generate(context):
        parts.append(part)
        hand_back_if_due()
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=template, context=context)
    return "".join(parts)
