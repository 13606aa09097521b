"""The SMTP vocabulary that the front ends (``mss.smtp``) and the outbound queue (``mss.queue``)
share: reply classes and enhanced status codes (RFC 5321 §4.2, RFC 3463), the replies the server
sends, and the DSN parameters of the envelope (RFC 3461). Written once here, below both, so that
the queue never imports a front end and no rule exists in two copies."""
