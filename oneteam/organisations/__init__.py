"""Organisation map: localities, neighbourhoods, organisations, wards, LSOAs, teams and staff."""
