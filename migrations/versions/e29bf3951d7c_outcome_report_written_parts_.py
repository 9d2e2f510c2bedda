"""Outcome report: written parts, translations, follow-up actions, silence procedure

Existing items get no owner or due date; existing published versions no adoption record
(they were published by the organisers).

Revision ID: e29bf3951d7c
Revises: 45cb78f9ab2d
Create Date: 2026-11-27 18:00:20.101794

"""
import sqlalchemy as sa
from alembic import op



# revision identifiers, used by Alembic.
revision = 'e29bf3951d7c'
down_revision = '45cb78f9ab2d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('circulation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('audience', sa.Enum('leads', 'participants', name='circulationaudience', native_enum=False, length=20), nullable=False),
    sa.Column('circulated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('open', 'adopted', 'returned', 'withdrawn', name='circulationstate', native_enum=False, length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('circulated_by_id', sa.Integer(), nullable=True),
    sa.Column('published_report_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['circulated_by_id'], ['person.id'], name=op.f('fk_circulation_circulated_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_circulation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_report_id'], ['published_report.id'], name=op.f('fk_circulation_published_report_id_published_report'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circulation'))
    )
    with op.batch_alter_table('circulation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circulation_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_circulation_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_circulation_state'), ['state'], unique=False)

    op.create_table('written_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('executive-summary', 'opening-messages', 'closing-messages', 'glossary', 'group-narrative', name='partkind', native_enum=False, length=20), nullable=False),
    sa.Column('working_group_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_written_part_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['working_group_id'], ['working_group.id'], name=op.f('fk_written_part_working_group_id_working_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_part')),
    sa.UniqueConstraint('event_id', 'kind', 'working_group_id', name=op.f('uq_written_part_event_id_kind_working_group_id'))
    )
    with op.batch_alter_table('written_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_written_part_event_id'), ['event_id'], unique=False)

    op.create_table('circulation_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circulation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('objection', 'approval', name='responsekind', native_enum=False, length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['circulation_id'], ['circulation.id'], name=op.f('fk_circulation_response_circulation_id_circulation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_circulation_response_network_id_network'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_circulation_response_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circulation_response'))
    )
    with op.batch_alter_table('circulation_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circulation_response_circulation_id'), ['circulation_id'], unique=False)

    op.create_table('written_part_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_written_part_version_author_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['part_id'], ['written_part.id'], name=op.f('fk_written_part_version_part_id_written_part'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_part_version')),
    sa.UniqueConstraint('part_id', 'version', name=op.f('uq_written_part_version_part_id_version'))
    )
    op.create_table('report_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('translator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_report_translation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['board_item.id'], name=op.f('fk_report_translation_item_id_board_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['part_id'], ['written_part.id'], name=op.f('fk_report_translation_part_id_written_part'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['translator_id'], ['person.id'], name=op.f('fk_report_translation_translator_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_translation'))
    )
    with op.batch_alter_table('report_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_translation_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_translation_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_translation_part_id'), ['part_id'], unique=False)

    with op.batch_alter_table('board_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('due', sa.Date(), nullable=True))

    with op.batch_alter_table('board_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_follow_up_number', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adoption', sa.Text(), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('published_report', schema=None) as batch_op:
        batch_op.drop_column('adoption')

    with op.batch_alter_table('board_state', schema=None) as batch_op:
        batch_op.drop_column('last_follow_up_number')

    with op.batch_alter_table('board_item', schema=None) as batch_op:
        batch_op.drop_column('due')
        batch_op.drop_column('owner')

    with op.batch_alter_table('report_translation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_translation_part_id'))
        batch_op.drop_index(batch_op.f('ix_report_translation_item_id'))
        batch_op.drop_index(batch_op.f('ix_report_translation_event_id'))

    op.drop_table('report_translation')
    op.drop_table('written_part_version')
    with op.batch_alter_table('circulation_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circulation_response_circulation_id'))

    op.drop_table('circulation_response')
    with op.batch_alter_table('written_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_written_part_event_id'))

    op.drop_table('written_part')
    with op.batch_alter_table('circulation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circulation_state'))
        batch_op.drop_index(batch_op.f('ix_circulation_event_id'))
        batch_op.drop_index(batch_op.f('ix_circulation_deadline'))

    op.drop_table('circulation')
