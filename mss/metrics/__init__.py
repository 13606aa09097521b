"""The operators' view: process counters for Prometheus and the figures of ``mss status``."""
