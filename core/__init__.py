"""The process: runtime, alerts, reports, access, text catalogue and number formats."""
