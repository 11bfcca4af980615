"""token revocation (a user's token generation, logged-out tokens), throttle
counters, and the audit key id of each event

Revision ID: e3a91c5f7b20
Revises: 5b1e0c7d2a90
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import engine.store.base


# revision identifiers, used by Alembic.
revision = 'e3a91c5f7b20'
down_revision = '5b1e0c7d2a90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('token_generation', sa.Integer(), server_default='0',
                                   nullable=False))
    # rows written before keyed hashing keep a NULL key id: plain SHA-256
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('key_id', sa.String(length=32), nullable=True))
    op.create_table('revoked_token',
    sa.Column('jti', sa.String(length=32), nullable=False),
    sa.Column('expires_at', engine.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_revoked_token'))
    )
    with op.batch_alter_table('revoked_token') as batch:
        batch.create_index(batch.f('ix_revoked_token_expires_at'), ['expires_at'], unique=False)
    op.create_table('throttle',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', engine.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_throttle'))
    )
    with op.batch_alter_table('throttle') as batch:
        batch.create_index(batch.f('ix_throttle_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('throttle') as batch:
        batch.drop_index(batch.f('ix_throttle_expires_at'))
    op.drop_table('throttle')
    with op.batch_alter_table('revoked_token') as batch:
        batch.drop_index(batch.f('ix_revoked_token_expires_at'))
    op.drop_table('revoked_token')
    with op.batch_alter_table('event') as batch:
        batch.drop_column('key_id')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('token_generation')
