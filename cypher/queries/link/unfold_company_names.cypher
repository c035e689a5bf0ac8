// Undoes name matching once a company name turns out ambiguous: when the given domain
// companies share their name with another domain company, the relationships that reached
// them by name alone (marked `via_name`) move back to a name-only company of that name,
// created if need be, each re-created with its own type (`$(type(r))`: dynamic types in
// CREATE, new in Neo4j 5.26). Every domain company of the name is then marked
// `name_ambiguous`: nothing reaches it by name any more (link/company_domains and
// link/fold_company_names ask for exactly one), so it is not searched again.
// params: $keys :: LIST<STRING> (keys of domain companies)
// returns: unfolded :: INTEGER
UNWIND $keys AS key
MATCH (d:Company {key: key})
USING INDEX SEEK d:Company(key)
WHERE d.domain IS NOT NULL AND d.name_key IS NOT NULL AND d.name_ambiguous IS NULL
  AND COUNT { (o:Company {name_key: d.name_key}) WHERE o.domain IS NOT NULL } > 1
WITH DISTINCT d.name_key AS name_key
MATCH (o:Company {name_key: name_key})
WHERE o.domain IS NOT NULL AND o.name_ambiguous IS NULL
SET o.name_ambiguous = true
WITH name_key, collect(o) AS homes
WITH name_key, homes,
     [o IN homes WHERE EXISTS {
        ()-[:FOR_COMPANY|MENTIONS|WORKS_AT {via_name: name_key}]->(o) }] AS reached
WHERE reached <> []
MERGE (n:Company {key: 'name:' + name_key})
ON CREATE SET n.name_key = name_key, n.name = homes[0].name
WITH n, name_key, reached
UNWIND reached AS o
CALL (o, n, name_key) {
  MATCH (x)-[r:FOR_COMPANY|MENTIONS|WORKS_AT {via_name: name_key}]->(o)
  CREATE (x)-[m:$(type(r))]->(n)
  SET m = properties(r)
  REMOVE m.via_name
  DELETE r
  RETURN count(m) AS moved
}
RETURN coalesce(sum(moved), 0) AS unfolded
