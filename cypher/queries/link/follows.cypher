// Materialises follow records: (follower)-[:FOLLOWS]->(followed) for a one-way follow,
// (a)-[:CONNECTED_TO]->(b) for a mutual connection (read it in either direction).
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, follower, followed, relation, platform, at}
// returns: follows :: INTEGER
UNWIND $rows AS row
CALL (row) {
  MATCH (a:Person {id: row.follower})
  MATCH (b:Person {id: row.followed})
  WHERE row.relation = 'follow'
  CREATE (a)-[x:FOLLOWS]->(b)
  SET x.source = row.source, x.source_id = row.source_id, x.platform = row.platform,
      x.at = datetime(row.at)
}
CALL (row) {
  MATCH (a:Person {id: row.follower})
  MATCH (b:Person {id: row.followed})
  WHERE row.relation = 'connection'
  CREATE (a)-[x:CONNECTED_TO]->(b)
  SET x.source = row.source, x.source_id = row.source_id, x.platform = row.platform,
      x.at = datetime(row.at)
}
RETURN count(row) AS follows
