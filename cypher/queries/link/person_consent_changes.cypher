// The consent changes linked to each of the given persons; persons with none give no
// row (most of them: resolution then computes consent from the golden record alone).
// params: $ids :: LIST<STRING>
// returns: id :: STRING, changes :: LIST<MAP {source, source_id, channel, granted, at, reason}>
UNWIND $ids AS id
MATCH (p:Person {id: id})-[:CHANGED_CONSENT]->(c:ConsentChange)
RETURN p.id AS id,
       collect(c {.source, .source_id, .channel, .granted, at: toString(c.at), .reason})
         AS changes
