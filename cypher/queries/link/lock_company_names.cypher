// Serialises the settling of company names (link/unfold_company_names, then
// link/fold_company_names) between concurrent chunks: write-locks the name-only company
// of each given domain company's name, where one exists. Two chunks creating the two
// domain companies of a name at once cannot see each other's uncommitted company; without
// this lock each folded the name-only company as if its own were the name's only domain
// company, and nothing moved back. With it, the second waits for the first's commit and
// then counts both. Names already ambiguous are skipped: nothing folds or moves back for
// them any more, and their name-only company stays, so locking it would serialise every
// chunk that names one of their domain companies.
// params: $keys :: LIST<STRING> (keys of domain companies, sorted)
// returns: locked :: INTEGER
UNWIND $keys AS key
MATCH (d:Company {key: key})
USING INDEX SEEK d:Company(key)
WHERE d.domain IS NOT NULL AND d.name_key IS NOT NULL AND d.name_ambiguous IS NULL
WITH DISTINCT d.name_key AS name_key
ORDER BY name_key
MATCH (n:Company {key: 'name:' + name_key})
USING INDEX SEEK n:Company(key)
SET n.name_lock = true
REMOVE n.name_lock
RETURN count(n) AS locked
