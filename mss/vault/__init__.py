"""The document vault in the core: one store of sealed documents for every front end (webmail,
API, XDM import, signatures)."""
