"""The patients' webmail: a FastAPI application served by ``mss serve``."""
