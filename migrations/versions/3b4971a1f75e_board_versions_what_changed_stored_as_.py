"""Board versions: what changed stored as data, read in each reader's language

Versions recorded before kept EventHub's own summary as text, in the language of whoever made
the change. Those whose text is exactly one of those summaries (in English or in a catalogue's
words at the time of this migration) become data; anything else stays the text it is.

Revision ID: 3b4971a1f75e
Revises: a62879ef5209
Create Date: 2026-11-28 02:21:23.592467

"""

import re
from itertools import combinations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3b4971a1f75e"
down_revision = "a62879ef5209"
branch_labels = None
depends_on = None

FIELDS = ("text", "audience", "question")
STATES = ("draft", "proposed", "agreed", "merged", "withdrawn")

# How each language wrote the summaries: captured, proposed by a participant, edited, state
# change, merged into, merged from, source added; the field names; the state names.
WORDS = {
    "en": (
        (
            "Captured",
            "Proposed by a participant",
            "Edited: %(changes)s",
            "%(old)s → %(new)s",
            "Merged into %(reference)s",
            "%(reference)s merged into this item",
            "Source added: message %(id)s",
        ),
        ("text", "audience", "guiding question"),
        ("draft", "proposed", "agreed", "merged", "withdrawn"),
    ),
    "fr": (
        (
            "Saisie",
            "Proposée par un participant",
            "Modifié\xa0: %(changes)s",
            "%(old)s → %(new)s",
            "Fusionnée dans %(reference)s",
            "%(reference)s fusionnée dans cette contribution",
            "Source ajoutée\xa0: message %(id)s",
        ),
        ("texte", "destinataires", "question directrice"),
        ("brouillon", "proposée", "adoptée", "fusionnée", "retirée"),
    ),
    "ar": (
        (
            "سُجِّلت",
            "اقترحها أحد المشاركين",
            "عُدّلت: %(changes)s",
            "%(old)s ← %(new)s",
            "دُمجت في %(reference)s",
            "دُمجت %(reference)s في هذه المساهمة",
            "أُضيف مصدر: الرسالة %(id)s",
        ),
        ("النص", "الجهة المستهدفة", "السؤال التوجيهي"),
        ("مسودة", "مقترحة", "متفق عليها", "مدمجة", "مسحوبة"),
    ),
    "es": (
        (
            "Registrada",
            "Propuesta por un participante",
            "Edición: %(changes)s",
            "%(old)s → %(new)s",
            "Fusionada con %(reference)s",
            "%(reference)s se fusionó con esta contribución",
            "Fuente añadida: mensaje %(id)s",
        ),
        ("texto", "destinatarios", "pregunta orientadora"),
        ("borrador", "propuesta", "acordada", "fusionada", "retirada"),
    ),
    "ru": (
        (
            "Записано",
            "Предложено участником",
            "Изменено: %(changes)s",
            "%(old)s → %(new)s",
            "Объединён с %(reference)s",
            "%(reference)s объединён с этим пунктом",
            "Добавлен источник: сообщение %(id)s",
        ),
        ("текст", "адресат", "направляющий вопрос"),
        ("черновик", "предложено", "согласовано", "объединено", "отозвано"),
    ),
}

REFERENCE = r"(?P<reference>WG\d+-[A-Z]\d+)"


def _exact() -> dict[str, tuple[str, dict | None]]:
    """Every summary without a reference or a message number, as it was written."""
    known: dict[str, tuple[str, dict | None]] = {}
    for sentences, fields, states in WORDS.values():
        captured, proposed, edited, state = sentences[:4]
        known[captured] = ("captured", None)
        known[proposed] = ("proposed", None)
        for n in range(1, len(FIELDS) + 1):
            for chosen in combinations(range(len(FIELDS)), n):
                changes = ", ".join(fields[i] for i in chosen)
                args = {"fields": [FIELDS[i] for i in chosen]}
                known[edited % {"changes": changes}] = ("edited", args)
        for i, old in enumerate(states):
            for j, new in enumerate(states):
                if i != j:
                    text = state % {"old": old, "new": new}
                    known[text] = ("state", {"old": STATES[i], "new": STATES[j]})
    return known


def _patterns() -> list[tuple[re.Pattern, str]]:
    """The summaries with a reference or a message's id in them."""
    patterns = []
    for sentences, _fields, _states in WORDS.values():
        for key, sentence in zip(("merged-into", "merged-from", "source"), sentences[4:], strict=True):
            regex = re.escape(sentence)
            regex = regex.replace(re.escape("%(reference)s"), REFERENCE)
            regex = regex.replace(re.escape("%(id)s"), r"(?P<id>\d+)")
            patterns.append((re.compile(f"^{regex}$"), key))
    return patterns


def _as_data(text: str, seqs: dict[int, int], known, patterns) -> tuple[str, dict | None] | None:
    if text in known:
        return known[text]
    for pattern, key in patterns:
        match = pattern.match(text)
        if match is None:
            continue
        if key == "source":
            message = int(match["id"])
            if message not in seqs:  # the message is gone: its number cannot be shown
                return None
            return key, {"message": message, "seq": seqs[message]}
        return key, {"reference": match["reference"]}
    return None


versions = sa.table(
    "board_item_version",
    sa.column("id", sa.Integer),
    sa.column("summary", sa.String),
    sa.column("summary_key", sa.String),
    sa.column("summary_args", sa.JSON),
)
messages = sa.table("message", sa.column("id", sa.Integer), sa.column("seq", sa.Integer))


def upgrade():
    with op.batch_alter_table("board_item_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary_key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("summary_args", sa.JSON(), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(versions.c.id, versions.c.summary).where(versions.c.summary != "")
    ).all()
    if not rows:
        return
    seqs = dict(bind.execute(sa.select(messages.c.id, messages.c.seq)).all())
    known, patterns = _exact(), _patterns()
    for row_id, text in rows:
        data = _as_data(text, seqs, known, patterns)
        if data is None:
            continue
        key, args = data
        bind.execute(
            versions.update()
            .where(versions.c.id == row_id)
            .values(summary="", summary_key=key, summary_args=args)
        )


def downgrade():
    # Our own summaries back to English text, so that the history still says what happened.
    sentences, fields, states = WORDS["en"]
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(versions.c.id, versions.c.summary_key, versions.c.summary_args).where(
            versions.c.summary == "", versions.c.summary_key.is_not(None)
        )
    ).all()
    keys = ("captured", "proposed", "edited", "state", "merged-into", "merged-from", "source")
    for row_id, key, args in rows:
        if key not in keys:
            continue
        args = args or {}
        sentence = sentences[keys.index(key)]
        values = {
            "changes": ", ".join(fields[FIELDS.index(f)] for f in args.get("fields", [])),
            "old": states[STATES.index(args["old"])] if "old" in args else "",
            "new": states[STATES.index(args["new"])] if "new" in args else "",
            "reference": args.get("reference", ""),
            "id": args.get("message", ""),
        }
        bind.execute(
            versions.update().where(versions.c.id == row_id).values(summary=sentence % values)
        )

    with op.batch_alter_table("board_item_version", schema=None) as batch_op:
        batch_op.drop_column("summary_args")
        batch_op.drop_column("summary_key")
