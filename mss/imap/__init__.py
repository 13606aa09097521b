"""The IMAP4rev1 server (RFC 3501) and the extensions mail clients rely on.

The wire format is kept apart from the server: framing, grammar and one module per command
group parse client input into typed commands; ``encode`` writes responses; the session and
server modules run commands against the store.
"""
