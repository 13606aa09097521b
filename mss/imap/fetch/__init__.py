"""FETCH (RFC 3501 §6.4.5): its items, body sections and their rendering."""
