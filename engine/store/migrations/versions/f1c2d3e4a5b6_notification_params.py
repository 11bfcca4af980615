"""a notification's message as parameters of its type's catalogue message

Revision ID: f1c2d3e4a5b6
Revises: e3a91c5f7b20
Create Date: 2026-12-08 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'f1c2d3e4a5b6'
down_revision = 'e3a91c5f7b20'
branch_labels = None
depends_on = None


def upgrade():
    # rows written before keep their text in `message` and no parameters
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('params', sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))


def downgrade():
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('params')
