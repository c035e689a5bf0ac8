// Materialises consent changes: one (:ConsentChange {channel, granted, at, reason}) per
// record, the person's consent history, and (person)-[:CHANGED_CONSENT]->(change).
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, id, person, channel, granted, at, reason}
// returns: changes :: INTEGER
UNWIND $rows AS row
MERGE (c:ConsentChange {id: row.id})
SET c.source = row.source, c.source_id = row.source_id, c.channel = row.channel,
    c.granted = row.granted, c.at = datetime(row.at), c.reason = row.reason
WITH c, row
CALL (c, row) {
  MATCH (p:Person {id: row.person})
  CREATE (p)-[x:CHANGED_CONSENT]->(c)
  SET x.source = row.source, x.source_id = row.source_id
}
RETURN count(c) AS changes
