"""Read receipts (RFC 8098 MDNs) and delivery reports (RFC 3464 DSNs)."""
