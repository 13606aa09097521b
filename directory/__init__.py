"""The professional directory: who may be written to in the trust space, and with which keys.

It imports the national extraction of secure-messaging addresses, publishes this server's own
accounts with their public keys, answers accent-insensitive searches, renders JSON and FHIR R4
views, and tells SMTP policy and the webmail what kind of party an address belongs to. Its tables
live on their own metadata (`directory.schema`) and all of its SQL is in `directory.store*`.
"""
