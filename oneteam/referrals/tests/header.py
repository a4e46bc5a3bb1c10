"""The inbox count in the page header, for tests that pin a page's query count."""

# The response targets, then the three counts in one query.
INBOX_COUNT_QUERIES = 2
