// The given salted hashes that belong to forgotten people or records.
// params: $hashes :: LIST<STRING>
// returns: hash :: STRING
UNWIND $hashes AS h
MATCH (s:Suppression {hash: h})
RETURN s.hash AS hash
