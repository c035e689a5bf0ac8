// Points source records at their person, with the evidence of the decision; a record
// resolves to exactly one person.
// params: $assignments :: LIST<MAP> each {source, source_id, person, rule, evidence (JSON text)}, $now :: STRING
// returns: assigned :: INTEGER
UNWIND $assignments AS a
MATCH (r:SourceRecord {source: a.source, source_id: a.source_id})
MATCH (p:Person {id: a.person})
CALL (r) {
  OPTIONAL MATCH (r)-[old:RESOLVED_TO]->(:Person)
  DELETE old
}
CREATE (r)-[:RESOLVED_TO {rule: a.rule, evidence: a.evidence, at: datetime($now)}]->(p)
RETURN count(r) AS assigned
