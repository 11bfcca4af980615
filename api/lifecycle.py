"""Routes for dossier lifecycle (being written)."""
from flask_smorest import Blueprint

blp = Blueprint("lifecycle", __name__, description="Dossier lifecycle")
