"""Cross-cutting pieces of cbec-command: configuration, clock, command line."""
