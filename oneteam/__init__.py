"""OneTeam: the working system of an integrated neighbourhood team."""
