"""Commands that add messages to a mailbox: APPEND (MULTIAPPEND, CATENATE), COPY and
MOVE."""
