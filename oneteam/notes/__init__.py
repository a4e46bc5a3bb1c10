"""Case notes: dated free-text notes about a person, in the "Notes" data category."""
