// Materialises referral records: (referrer)-[:REFERRED {at, product, converted, revenue,
// ...}]->(referee) once both persons exist; the product recommended becomes a (:Product).
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, referrer, referee, product: MAP {sku, name} or null, at, code, converted, converted_at, revenue, currency}
// returns: referrals :: INTEGER
UNWIND $rows AS row
CALL (row) {
  UNWIND [p IN [row.product] WHERE p IS NOT NULL] AS product
  MERGE (pr:Product {sku: product.sku})
  SET pr.name = coalesce(pr.name, product.name)
}
CALL (row) {
  MATCH (a:Person {id: row.referrer})
  MATCH (b:Person {id: row.referee})
  CREATE (a)-[x:REFERRED]->(b)
  SET x.source = row.source, x.source_id = row.source_id, x.at = datetime(row.at),
      x.product = row.product.sku, x.code = row.code, x.converted = row.converted,
      x.converted_at = datetime(row.converted_at), x.revenue = row.revenue,
      x.currency = row.currency
}
RETURN count(row) AS referrals
