"""The JSON API under /api: every change the webmail makes goes through it."""
