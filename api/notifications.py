"""Routes for the current user's notifications (being written)."""
from flask_smorest import Blueprint

blp = Blueprint("notifications", __name__, description="The current user's notifications")
