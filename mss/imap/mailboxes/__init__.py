"""Mailbox commands: SELECT, CREATE, DELETE, RENAME, SUBSCRIBE, STATUS, LIST and LSUB
(RFC 3501 §6.3, RFC 5258, RFC 5819), and mailbox names."""
