"""The inbox count in the page header, for tests that pin a page's query count."""

# The response targets, then the four counts (offers, notices, overdue referrals, MDT actions due) in one query.
INBOX_COUNT_QUERIES = 2
