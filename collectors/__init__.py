"""Sources, the runner that schedules them, and the sinks they write to."""
