// Blocks until every index is online (or the timeout passes).
// params: $timeout_s :: INTEGER
// returns: nothing
CALL db.awaitIndexes($timeout_s)
