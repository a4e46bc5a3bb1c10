"""Single point of access: referrals with exactly one owner, warm handovers, key workers, inboxes."""
