// Rebuilds (:Person)-[:HAS_IDENTIFIER]->(:Identifier) from the person's records: every
// identifier they carry that is not shared by different people.
// params: $ids :: LIST<STRING>
// returns: links :: INTEGER
UNWIND $ids AS id
MATCH (p:Person {id: id})
CALL (p) {
  OPTIONAL MATCH (p)-[old:HAS_IDENTIFIER]->(:Identifier)
  DELETE old
}
CALL (p) {
  MATCH (p)<-[:RESOLVED_TO]-(:SourceRecord)-[:CARRIES]->(i:Identifier)
  WHERE NOT coalesce(i.shared, false) AND NOT coalesce(i.role, false)
  WITH DISTINCT p, i
  MERGE (p)-[:HAS_IDENTIFIER]->(i)
  RETURN count(i) AS links
}
RETURN sum(links) AS links
