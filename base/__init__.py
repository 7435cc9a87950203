"""Definitions every layer reads: configuration, clock, secrets, environment, status codes."""
