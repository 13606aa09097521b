"""The IMAP wire format: framing, grammar, parsing into typed commands, response
encoding, codes and errors (RFC 3501 §4, §7, §9)."""
