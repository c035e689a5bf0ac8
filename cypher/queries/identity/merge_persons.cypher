// Retires person ids that re-clustering merged away: the old node goes, a PersonAlias keeps
// its id resolving to the survivor, and older aliases are re-pointed (no alias chains).
// params: $merged :: LIST<MAP> each {id, into}, $now :: STRING
// returns: merged :: INTEGER
UNWIND $merged AS m
MATCH (old:Person {id: m.id})
MATCH (into:Person {id: m.into})
CALL (old, into) {
  OPTIONAL MATCH (alias:PersonAlias)-[link:MERGED_INTO]->(old)
  DELETE link
  WITH alias WHERE alias IS NOT NULL
  MERGE (alias)-[:MERGED_INTO]->(into)
}
DETACH DELETE old
MERGE (a:PersonAlias {id: m.id})
SET a.merged_at = datetime($now)
MERGE (a)-[:MERGED_INTO]->(into)
RETURN count(a) AS merged
