"""Query helpers shared by the services (they only read, never commit)."""
from sqlalchemy import func, select


def paginate(session, query, page=1, per_page=50) -> dict:
    """One page of `query`: `{items, page, per_page, total}` as API.md lists are."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": items, "page": page, "per_page": per_page, "total": total}
