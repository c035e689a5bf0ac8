// Materialises purchase records: (buyer)-[:PURCHASED]->(:Product) for one-off purchases,
// (buyer)-[:SUBSCRIBED_TO]->(:Product) for subscriptions, with order, quantity, amount.
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, person, product: MAP {sku, name}, type, order_id, quantity, amount, currency, at}
// returns: purchases :: INTEGER
UNWIND $rows AS row
MERGE (pr:Product {sku: row.product.sku})
SET pr.name = coalesce(pr.name, row.product.name)
WITH row, pr
CALL (row, pr) {
  MATCH (p:Person {id: row.person})
  WHERE row.type = 'purchase'
  CREATE (p)-[x:PURCHASED]->(pr)
  SET x.source = row.source, x.source_id = row.source_id, x.order_id = row.order_id,
      x.quantity = row.quantity, x.amount = row.amount, x.currency = row.currency,
      x.at = datetime(row.at)
}
CALL (row, pr) {
  MATCH (p:Person {id: row.person})
  WHERE row.type = 'subscription'
  CREATE (p)-[x:SUBSCRIBED_TO]->(pr)
  SET x.source = row.source, x.source_id = row.source_id, x.order_id = row.order_id,
      x.quantity = row.quantity, x.amount = row.amount, x.currency = row.currency,
      x.at = datetime(row.at)
}
RETURN count(row) AS purchases
