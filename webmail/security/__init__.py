"""Sign-in, sessions, second factor, CSRF and the headers every response carries."""
