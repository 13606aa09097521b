"""Tests of the IMAP server: wire primitives, parser, encoder, and transcripts against a server."""
