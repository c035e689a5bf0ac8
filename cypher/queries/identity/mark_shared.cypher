// Flags identifiers found to be shared by different people (they stop being evidence).
// params: $shared :: LIST<MAP> each {key, reason}
// returns: marked :: INTEGER
UNWIND $shared AS s
MATCH (i:Identifier {key: s.key})
SET i.shared = true, i.shared_reason = s.reason
RETURN count(i) AS marked
