"""Views of the access app, one module per area (sign-in, sharing rules, audit, …)."""
