// Erases a person: its records, the records about it, the identifiers no remaining
// record carries, its aliases and pins, conversations it authored (with their
// embeddings), support cases it opened, its consent history, and the conversation and
// consent-change nodes of the erased records; then stores the suppression hashes and an
// audit entry free of personal data.
// params: $id :: STRING, $records :: LIST<STRING>, $identifiers :: LIST<STRING>, $hashes :: LIST<STRING>, $audit :: MAP {id, by, reason, person_hash}, $now :: STRING
// returns: records :: INTEGER, identifiers :: INTEGER, suppressed :: INTEGER
MATCH (p:Person {id: $id})
CALL (p) {
  OPTIONAL MATCH (p)-[:AUTHORED]->(c:Conversation)
  DETACH DELETE c
}
CALL (p) {
  OPTIONAL MATCH (p)-[:OPENED]->(s:SupportCase)
  DETACH DELETE s
}
CALL (p) {
  OPTIONAL MATCH (p)-[:CHANGED_CONSENT]->(c:ConsentChange)
  DETACH DELETE c
}
CALL () {
  UNWIND $records AS key
  OPTIONAL MATCH (c:Conversation {id: key})
  OPTIONAL MATCH (k:ConsentChange {id: key})
  DETACH DELETE c, k
}
CALL (p) {
  OPTIONAL MATCH (alias:PersonAlias)-[:MERGED_INTO]->(p)
  DETACH DELETE alias
}
DETACH DELETE p
WITH 1 AS one
CALL () {
  UNWIND $records AS key
  WITH split(key, '|') AS parts, key
  MATCH (r:SourceRecord {source: parts[0], source_id: substring(key, size(parts[0]) + 1)})
  OPTIONAL MATCH (r)-[:PINNED_TO]->(pin:Pin)
  DETACH DELETE r
  WITH DISTINCT pin
  WHERE pin IS NOT NULL AND NOT (pin)<-[:PINNED_TO]-()
  DETACH DELETE pin
}
CALL () {
  UNWIND $identifiers AS key
  MATCH (i:Identifier {key: key})
  WHERE NOT (i)<-[:CARRIES]-()
  DETACH DELETE i
}
CALL () {
  UNWIND $hashes AS h
  MERGE (s:Suppression {hash: h})
  ON CREATE SET s.at = datetime($now)
}
CREATE (a:AuditEntry {id: $audit.id})
SET a.action = 'forget', a.at = datetime($now), a.by = $audit.by, a.reason = $audit.reason,
    a.person_hash = $audit.person_hash, a.records = size($records),
    a.identifiers = size($identifiers), a.suppressed = size($hashes)
RETURN size($records) AS records, size($identifiers) AS identifiers, size($hashes) AS suppressed
