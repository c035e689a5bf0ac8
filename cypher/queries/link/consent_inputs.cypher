// What a person's consent state is computed from: the golden record (consent chosen
// from contact-like records) and every consent change linked to the person.
// params: $ids :: LIST<STRING>
// returns: id :: STRING, golden :: STRING, changes :: LIST<MAP {source, source_id, channel, granted, at, reason}>
UNWIND $ids AS id
MATCH (p:Person {id: id})
CALL (p) {
  OPTIONAL MATCH (p)-[:CHANGED_CONSENT]->(c:ConsentChange)
  WITH c WHERE c IS NOT NULL
  RETURN collect(c {.source, .source_id, .channel, .granted, at: toString(c.at), .reason}) AS changes
}
RETURN p.id AS id, p.golden AS golden, changes
