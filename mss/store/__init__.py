"""The mail store: the only package that talks SQL (the directory keeps its own)."""
