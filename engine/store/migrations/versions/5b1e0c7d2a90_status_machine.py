"""the dossier's status machine: a check on the status column, and the
instant of the one supplement during processing

Revision ID: 5b1e0c7d2a90
Revises: 8dcad4d447ae
Create Date: 2026-11-30 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import engine.store.base


# revision identifiers, used by Alembic.
revision = '5b1e0c7d2a90'
down_revision = '8dcad4d447ae'
branch_labels = None
depends_on = None

STATUSES = ("new", "received", "refused", "processing", "supplement", "withdrawn",
            "stopped", "resolved", "returned", "incident")
CHECK = "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")"


def upgrade():
    with op.batch_alter_table('dossier') as batch:
        batch.add_column(sa.Column('supplement_requested_at', engine.store.base.UTCDateTime(),
                                   nullable=True))
        batch.create_check_constraint('ck_dossier_status', CHECK)


def downgrade():
    with op.batch_alter_table('dossier') as batch:
        batch.drop_constraint('ck_dossier_status', type_='check')
        batch.drop_column('supplement_requested_at')
