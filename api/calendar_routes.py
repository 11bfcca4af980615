"""Routes for the working calendar and its overrides (being written)."""
from flask_smorest import Blueprint

blp = Blueprint("calendar", __name__, description="The working calendar and its overrides")
