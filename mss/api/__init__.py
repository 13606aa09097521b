"""The establishments' REST API under /api/v1 (issue 11, items 2-3)."""
