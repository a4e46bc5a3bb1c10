"""Who may see what: the one access policy, sign-in protection and the audit log."""
