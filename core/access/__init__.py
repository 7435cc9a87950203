"""Who may see and do what: accounts, roles, kiosk tokens and the audit trail."""
