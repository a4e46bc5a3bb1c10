"""What an audit append costs in queries, for tests that pin a page's query count."""


def audit_append_queries() -> int:
    """One insert: no lock, no read of the chain's head (the chain is sealed after the transaction commits)."""
    return 1
