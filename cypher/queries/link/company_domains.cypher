// The domain company each folded company name stands for, where exactly one domain
// company is known by that name: a mention by name alone then links to it. Names that
// two domains share stay ambiguous and keep their name-only company.
// The domain companies of each name are write-locked before the name is counted again:
// a chunk that makes the name ambiguous at the same time (link/unfold_company_names
// write-locks them too) either commits first and is counted here, or waits for this
// chunk's commit and then moves its `via_name` relationships back. Counting before the
// lock let both miss the other, and a mention stayed on the first domain company.
// params: $name_keys :: LIST<STRING> (sorted, so concurrent chunks lock in one order)
// returns: name_key :: STRING, key :: STRING
UNWIND $name_keys AS name_key
MATCH (co:Company {name_key: name_key})
USING INDEX SEEK co:Company(name_key)
WHERE co.domain IS NOT NULL
SET co.name_lock = true
REMOVE co.name_lock
WITH DISTINCT name_key
CALL (name_key) {
  MATCH (co:Company {name_key: name_key})
  USING INDEX SEEK co:Company(name_key)
  WHERE co.domain IS NOT NULL
  RETURN collect(co) AS homes
}
WITH name_key, homes
WHERE size(homes) = 1 AND homes[0].name_ambiguous IS NULL
RETURN name_key, homes[0].key AS key
