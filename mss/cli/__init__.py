"""The ``mss`` command line, for operators (English, like every operator-facing text)."""
