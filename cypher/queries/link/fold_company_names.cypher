// Folds a name-only company into the domain company that now bears its name, when that is
// the only domain company of the name: its relationships (FOR_COMPANY, MENTIONS,
// WORKS_AT, the only ones a Company has) move over, properties and all, and it is
// deleted. Moved relationships are marked `via_name`, so they can move back should a second
// domain company of the name appear (link/unfold_company_names). The name-only node is
// write-locked before its relationships are read, so a chunk linking to it concurrently
// commits first (and its relationship moves too). Each relationship is re-created with
// its own type (`$(type(r))`: dynamic types in CREATE, new in Neo4j 5.26).
// params: $keys :: LIST<STRING> (keys of domain companies)
// returns: folded :: INTEGER
UNWIND $keys AS key
MATCH (d:Company {key: key})
USING INDEX SEEK d:Company(key)
WHERE d.domain IS NOT NULL AND d.name_key IS NOT NULL
  AND COUNT { (o:Company {name_key: d.name_key}) WHERE o.domain IS NOT NULL } = 1
MATCH (n:Company {key: 'name:' + d.name_key})
WITH DISTINCT d, n
SET n.folding = true
WITH d, n
CALL (d, n) {
  MATCH (x)-[r:FOR_COMPANY|MENTIONS|WORKS_AT]->(n)
  CREATE (x)-[m:$(type(r))]->(d)
  SET m = properties(r), m.via_name = d.name_key
  DELETE r
}
SET d.name = coalesce(d.name, n.name)
DELETE n
RETURN count(*) AS folded
