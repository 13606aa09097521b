"""SMTP: the MX for peers of the trust space, and submission for our own users (aiosmtpd)."""
