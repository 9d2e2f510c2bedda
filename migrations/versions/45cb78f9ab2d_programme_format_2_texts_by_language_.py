"""Programme format 2: texts by language, venue, format, partners, acknowledgements

Existing rows get empty texts and no translations (their texts are in the event's first
language, as format 1 wrote them).

Revision ID: 45cb78f9ab2d
Revises: 3a44622397dc
Create Date: 2026-11-27 17:39:03.278017

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '45cb78f9ab2d'
down_revision = '3a44622397dc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('role', sa.Enum('host', 'organiser', 'secretariat', 'partner', 'funder', name='partnerrole', native_enum=False, length=20), nullable=False),
    sa.Column('logo_name', sa.String(length=300), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('translations', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_partner_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner'))
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('format', sa.Enum('in-person', 'online', 'hybrid', name='eventformat', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('acknowledgements', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('guiding_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('working_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False, server_default='{}'))



def downgrade():
    with op.batch_alter_table('working_group', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('session', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('guiding_question', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('acknowledgements')
        batch_op.drop_column('format')
        batch_op.drop_column('venue')

    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_event_id'))

    op.drop_table('partner')
