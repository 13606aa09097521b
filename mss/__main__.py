"""``python -m mss`` is the ``mss`` command."""

from mss.cli.main import app

app()
