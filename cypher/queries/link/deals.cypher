// Materialises deal records: one (:Deal) per deal of a source, whose properties follow
// the most recently observed record; (contact)-[:PARTICIPATES_IN]->(deal),
// (owner)-[:OWNS_DEAL]->(deal), (deal)-[:FOR_COMPANY]->(:Company),
// (deal)-[:INCLUDES]->(:Product).
// params: $rows :: LIST<MAP> each {source, source_id, observed_at, id, deal_id, name, stage, amount, currency, at, participants: LIST<STRING>, owner, company: MAP {key, domain, name, name_key, via_name} or null, products: LIST<MAP {sku, name}>}
// returns: deals :: INTEGER
UNWIND $rows AS row
MERGE (d:Deal {id: row.id})
WITH d, row, {source: row.source, source_id: row.source_id} AS src
FOREACH (_ IN CASE WHEN d.observed_at IS NULL OR d.observed_at <= datetime(row.observed_at)
                   THEN [1] ELSE [] END |
  SET d.source = row.source, d.source_id = row.source_id, d.deal_id = row.deal_id,
      d.name = row.name, d.stage = row.stage, d.amount = row.amount,
      d.currency = row.currency, d.at = datetime(row.at),
      d.observed_at = datetime(row.observed_at))
WITH d, row, src
CALL (d, row, src) {
  UNWIND row.participants AS person_id
  MATCH (p:Person {id: person_id})
  CREATE (p)-[x:PARTICIPATES_IN]->(d)
  SET x = src
}
CALL (d, row, src) {
  MATCH (p:Person {id: row.owner})
  CREATE (p)-[x:OWNS_DEAL]->(d)
  SET x = src
}
CALL (d, row, src) {
  UNWIND [c IN [row.company] WHERE c IS NOT NULL] AS company
  MERGE (co:Company {key: company.key})
  SET co.domain = coalesce(co.domain, company.domain), co.name = coalesce(co.name, company.name),
      co.name_key = coalesce(co.name_key, company.name_key)
  CREATE (d)-[x:FOR_COMPANY]->(co)
  SET x = src, x.via_name = company.via_name
}
CALL (d, row, src) {
  UNWIND row.products AS product
  MERGE (pr:Product {sku: product.sku})
  SET pr.name = coalesce(pr.name, product.name)
  CREATE (d)-[x:INCLUDES]->(pr)
  SET x = src
}
RETURN count(d) AS deals
