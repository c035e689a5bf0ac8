// Materialises campaign touches: one (:Campaign) per campaign of a source and
// (person)-[:TOUCHED_BY {channel, action, at}]->(campaign) per touch.
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, campaign: MAP {id, campaign_id, name}, person, channel, action, at}
// returns: touches :: INTEGER
UNWIND $rows AS row
MERGE (c:Campaign {id: row.campaign.id})
SET c.campaign_id = row.campaign.campaign_id, c.source = row.source,
    c.name = coalesce(row.campaign.name, c.name)
WITH c, row
CALL (c, row) {
  MATCH (p:Person {id: row.person})
  CREATE (p)-[x:TOUCHED_BY]->(c)
  SET x.source = row.source, x.source_id = row.source_id, x.channel = row.channel,
      x.action = row.action, x.at = datetime(row.at)
}
RETURN count(c) AS touches
