"""CalDAV (RFC 4791) for calendar clients, served under ``/dav/`` by Radicale's WebDAV layer over
the agenda of :mod:`mss.calendar`: the protocol is Radicale's, the storage and the sign-in ours."""
