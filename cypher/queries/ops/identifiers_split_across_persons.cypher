// Unshared, non-role identifiers whose evidence points at more than one person: more than
// one (:Person)-[:HAS_IDENTIFIER]-> link, or records carrying it resolved to different
// persons. An empty answer means no identity was resolved into duplicate persons.
// params: none
// returns: key :: STRING, linked_persons :: INTEGER, record_persons :: INTEGER
MATCH (i:Identifier)
WHERE NOT coalesce(i.shared, false) AND NOT coalesce(i.role, false)
WITH i,
     COUNT { (:Person)-[:HAS_IDENTIFIER]->(i) } AS linked_persons,
     COUNT { MATCH (i)<-[:CARRIES]-(:SourceRecord)-[:RESOLVED_TO]->(p:Person) RETURN DISTINCT p } AS record_persons
WHERE linked_persons > 1 OR record_persons > 1
RETURN i.key AS key, linked_persons, record_persons
ORDER BY key
LIMIT 100
