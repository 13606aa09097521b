"""Calendar invitations (iMIP, RFC 6047, over iTIP RFC 5546 and iCalendar RFC 5545), the owner's
encrypted agenda built from them, and reminders prepared while the server still sees plaintext."""
