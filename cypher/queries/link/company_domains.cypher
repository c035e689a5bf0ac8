// The domain company each folded company name stands for, where exactly one domain
// company is known by that name: a mention by name alone then links to it. Names that
// two domains share stay ambiguous and keep their name-only company.
// params: $name_keys :: LIST<STRING>
// returns: name_key :: STRING, key :: STRING
UNWIND $name_keys AS name_key
MATCH (co:Company {name_key: name_key})
USING INDEX SEEK co:Company(name_key)
WHERE co.domain IS NOT NULL
WITH name_key, collect(co.key) AS keys
WHERE size(keys) = 1
RETURN name_key, keys[0] AS key
