"""Signed webhooks: endpoints an establishment registers, events queued durably, delivered."""
