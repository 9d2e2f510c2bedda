"""A small bar chart of members and messages per working group, as SVG (for HTML and PDF)."""

from __future__ import annotations

from markupsafe import Markup, escape

from .data import Participation

WIDTH = 640
ROW = 44
LABEL = 90
BAR = 14
MEMBERS_COLOUR = "#2f6f8f"
MESSAGES_COLOUR = "#c9822b"


def participation_svg(
    figures: Participation, *, title: str, members_label: str, messages_label: str, rtl: bool
) -> Markup:
    """Two bars per group (members, messages), each scaled to its own maximum; right-to-left
    mirrors the chart so labels sit on the reading side."""
    groups = figures.groups
    height = ROW * max(len(groups), 1) + 8
    span = WIDTH - LABEL - 70
    top_members = max((g.members for g in groups), default=0) or 1
    top_messages = max((g.messages for g in groups), default=0) or 1

    def x(start: float, length: float) -> float:
        """Left edge of a run from `start` (measured from the reading side) of `length`."""
        return WIDTH - start - length if rtl else start

    anchor_label = "start" if rtl else "end"
    anchor_value = "end" if rtl else "start"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="Noto Sans, Noto Sans Arabic, DejaVu Sans, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for i, g in enumerate(groups):
        y = 8 + i * ROW
        label_x = WIDTH - (LABEL - 8) if rtl else LABEL - 8
        parts.append(
            f'<text x="{label_x}" y="{y + BAR + 4}" text-anchor="{anchor_label}">WG{g.number}</text>'
        )
        for row, (value, top, colour) in enumerate(
            ((g.members, top_members, MEMBERS_COLOUR), (g.messages, top_messages, MESSAGES_COLOUR))
        ):
            length = max(span * value / top, 1)
            by = y + row * (BAR + 2)
            parts.append(
                f'<rect x="{x(LABEL, length):.1f}" y="{by}" width="{length:.1f}" height="{BAR}" '
                f'fill="{colour}"/>'
            )
            value_x = x(LABEL + length + 6, 0)
            parts.append(
                f'<text x="{value_x:.1f}" y="{by + BAR - 3}" text-anchor="{anchor_value}">{value}</text>'
            )
    parts.append("</svg>")
    # The legend is HTML beside the drawing: SVG text is laid out without bidi or shaping, so an
    # Arabic word drawn there would read letter-reversed in the PDF.
    legend = "".join(
        f'<li><svg class="swatch" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">'
        f'<rect width="12" height="12" fill="{colour}"/></svg> {escape(label)}</li>'
        for label, colour in ((members_label, MEMBERS_COLOUR), (messages_label, MESSAGES_COLOUR))
    )
    parts.append(f'<ul class="chart-legend">{legend}</ul>')
    return Markup("".join(parts))
