"""a unit's function (what `@function` lanes resolve to) and a dossier's
handling unit (existing dossiers: their procedure's agency)

Revision ID: a7d4e2b91c3f
Revises: f1c2d3e4a5b6
Create Date: 2026-11-30 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d4e2b91c3f'
down_revision = 'f1c2d3e4a5b6'
branch_labels = None
depends_on = None


FK = 'fk_dossier_handling_unit_id_unit'
INDEX = 'ix_dossier_handling_unit_id'


def upgrade():
    # Plain ALTER TABLE on both databases: on SQLite a batch copy of `unit` or
    # `dossier` would drop a table other rows reference (foreign keys are on,
    # and the drop's implicit delete would cascade to parties and candidates).
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('unit', sa.Column('function', sa.String(length=64), nullable=True))
    if sqlite:  # a column with its reference, not NOT NULL; kept by a downgrade (below)
        present = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('dossier')}
        if 'handling_unit_id' not in present:
            op.execute('ALTER TABLE dossier ADD COLUMN handling_unit_id INTEGER '
                       'REFERENCES unit (id)')
    else:
        op.add_column('dossier', sa.Column('handling_unit_id', sa.Integer(), nullable=True))
    # until now a dossier was handled by its procedure's agency
    op.execute('UPDATE dossier SET handling_unit_id = (SELECT procedure.agency_unit_id '
               'FROM procedure WHERE procedure.id = dossier.procedure_id)')
    if not sqlite:
        op.alter_column('dossier', 'handling_unit_id', existing_type=sa.Integer(),
                        nullable=False)
        op.create_foreign_key(FK, 'dossier', 'unit', ['handling_unit_id'], ['id'])
    op.create_index(INDEX, 'dossier', ['handling_unit_id'], unique=False)


def downgrade():
    op.drop_index(INDEX, table_name='dossier')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot drop a column that holds a reference, and copying `dossier`
        # would cascade deletes: the unused, nullable column stays (upgrade reuses it)
        op.execute('ALTER TABLE unit DROP COLUMN function')
        return
    op.drop_constraint(FK, 'dossier', type_='foreignkey')
    op.drop_column('dossier', 'handling_unit_id')
    op.drop_column('unit', 'function')
