"""the report's facts: one row per dossier, folded from its events (existing
dossiers: from their stored events, in order)

Revision ID: b8e5f3a1d2c4
Revises: a7d4e2b91c3f
Create Date: 2026-11-30 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

from engine.kernel.report_facts import FOLDED, fold
from engine.store.base import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'b8e5f3a1d2c4'
down_revision = 'a7d4e2b91c3f'
branch_labels = None
depends_on = None

INSTANTS = ('entered_at', 'sent_back_at', 'received_at', 'appointment_at', 'asked_at',
            'answered_at', 'second_appointment_at', 'apologised_at', 'closed_at')


def upgrade():
    facts = op.create_table(
        'dossier_facts',
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('procedure_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('field', sa.String(length=255), nullable=False),
        sa.Column('receiving_unit_id', sa.Integer(), nullable=False),
        sa.Column('handling_unit_id', sa.Integer(), nullable=False),
        *(sa.Column(name, UTCDateTime(), nullable=name != 'entered_at') for name in INSTANTS),
        sa.Column('closed_as', sa.String(length=16), nullable=True),
        sa.Column('documents', sa.Integer(), nullable=False),
        sa.Column('undigitised', sa.Integer(), nullable=False),
        sa.Column('digitised', sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'],
                                name=op.f('fk_dossier_facts_dossier_id_dossier')),
        sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'],
                                name=op.f('fk_dossier_facts_procedure_id_procedure')),
        sa.ForeignKeyConstraint(['receiving_unit_id'], ['unit.id'],
                                name=op.f('fk_dossier_facts_receiving_unit_id_unit')),
        sa.ForeignKeyConstraint(['handling_unit_id'], ['unit.id'],
                                name=op.f('fk_dossier_facts_handling_unit_id_unit')),
        sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_dossier_facts')))
    op.create_index(op.f('ix_dossier_facts_entered_at'), 'dossier_facts', ['entered_at'])
    op.create_index(op.f('ix_dossier_facts_closed_at'), 'dossier_facts', ['closed_at'])
    _fill(op.get_bind(), facts)


def _fill(bind, facts):
    """Existing dossiers: their events folded in their stream's order (the
    services' `fold`), starting from the procedure's level and field now and
    the handling unit the dossier entered with (before its first move). Events
    written before this revision lack two details the fold reads: a document's
    `digitized` is taken from the document row; a supplement's new due time is
    not known, so a clock restarted before this revision is judged against the
    first receipt."""
    meta = sa.MetaData()
    dossier, procedure, document = (sa.Table(name, meta, autoload_with=bind)
                                    for name in ('dossier', 'procedure', 'document'))
    event = sa.Table('event', meta, sa.Column('at', UTCDateTime()), autoload_with=bind)
    digitized = dict(bind.execute(sa.select(document.c.id, document.c.digitized)).all())
    rows = {}
    for d in bind.execute(sa.select(dossier.c.id, dossier.c.procedure_id, dossier.c.channel,
                                    dossier.c.receiving_unit_id, dossier.c.handling_unit_id,
                                    procedure.c.level, procedure.c.field)
                          .join(procedure, procedure.c.id == dossier.c.procedure_id)):
        rows[d.id] = {'dossier_id': d.id, 'procedure_id': d.procedure_id, 'channel': d.channel,
                      'level': d.level, 'field': d.field or '',
                      'receiving_unit_id': d.receiving_unit_id,
                      'handling_unit_id': d.handling_unit_id, 'documents': 0, 'undigitised': 0}
    units = dict(bind.execute(sa.select(sa.table('unit', sa.column('code'), sa.column('id')))
                              ).all())
    moved = set()
    for e in bind.execute(sa.select(event.c.dossier_id, event.c.type, event.c.at,
                                    event.c.detail)
                          .where(event.c.dossier_id.is_not(None),
                                 event.c.type.in_((*FOLDED, 'dossier.moved')))
                          .order_by(event.c.dossier_id, event.c.seq)):
        detail = dict(e.detail or {})
        if e.type == 'dossier.moved':
            if e.dossier_id not in moved and detail.get('from') in units:
                rows[e.dossier_id]['handling_unit_id'] = units[detail['from']]
            moved.add(e.dossier_id)
            continue
        if e.type in ('document.added', 'document.reused') and 'digitized' not in detail:
            detail['digitized'] = digitized.get(detail.get('document_id'), False)
        fold(rows[e.dossier_id], e.type, e.at, detail)
    filled = [{name: row.get(name) for name in facts.c.keys()} for row in rows.values()
              if row.get('entered_at') is not None]
    if filled:
        op.bulk_insert(facts, filled)


def downgrade():
    op.drop_index(op.f('ix_dossier_facts_closed_at'), table_name='dossier_facts')
    op.drop_index(op.f('ix_dossier_facts_entered_at'), table_name='dossier_facts')
    op.drop_table('dossier_facts')
