// Brings (:Person)-[:HAS_IDENTIFIER]->(:Identifier) in line with the person's records:
// every identifier they carry that is not shared by different people. Only the
// difference is written (links already right are left alone): most persons a chunk
// touches gained one record and keep every link they had.
// params: $ids :: LIST<STRING>
// returns: links :: INTEGER
UNWIND $ids AS id
MATCH (p:Person {id: id})
CALL (p) {
  OPTIONAL MATCH (p)<-[:RESOLVED_TO]-(:SourceRecord)-[:CARRIES]->(i:Identifier)
  WHERE NOT coalesce(i.shared, false) AND NOT coalesce(i.role, false)
  RETURN collect(DISTINCT i) AS wanted
}
CALL (p, wanted) {
  OPTIONAL MATCH (p)-[old:HAS_IDENTIFIER]->(i:Identifier)
  WITH old, i WHERE old IS NOT NULL AND NOT i IN wanted
  DELETE old
}
CALL (p, wanted) {
  UNWIND wanted AS i
  WITH i WHERE NOT EXISTS { (p)-[:HAS_IDENTIFIER]->(i) }
  CREATE (p)-[:HAS_IDENTIFIER]->(i)
}
RETURN sum(size(wanted)) AS links
