"""documents: a dossier's files and their metadata

Revision ID: 8dcad4d447ae
Revises: c579fc8914e4
Create Date: 2026-11-22 08:33:04.000000

"""
from alembic import op
import sqlalchemy as sa

import engine.store.base


# revision identifiers, used by Alembic.
revision = '8dcad4d447ae'
down_revision = 'c579fc8914e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id_number', sa.String(length=32), nullable=True),
    sa.Column('document_type', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('digitized', sa.Boolean(), nullable=False),
    sa.Column('is_result', sa.Boolean(), nullable=False),
    sa.Column('reused_from_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', engine.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_document_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['reused_from_id'], ['document.id'], name=op.f('fk_document_reused_from_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_applicant_id_number'), ['applicant_id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_dossier_id'), ['dossier_id'], unique=False)


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_document_applicant_id_number'))

    op.drop_table('document')
