"""Routes for dossier slips (being written)."""
from flask_smorest import Blueprint

blp = Blueprint("slips", __name__, description="Dossier slips")
