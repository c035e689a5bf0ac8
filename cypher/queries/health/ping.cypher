// Cheapest round trip that proves the database answers queries.
// params: none
// returns: ok :: INTEGER (always 1)
RETURN 1 AS ok
