"""Routes for dossier documents (being written)."""
from flask_smorest import Blueprint

blp = Blueprint("documents", __name__, description="Dossier documents")
