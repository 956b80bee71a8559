"""The HTTP surfaces: the FastAPI app serving the portal and the APIs."""

from pathlib import Path

PORTAL_DIR = Path(__file__).resolve().parent.parent / "portal_static"
