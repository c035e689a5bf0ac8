// For identity records (contact, social_profile, employee) of the given sources: how many
// there are, and how many resolve to no person or to more than one.
// params: $sources :: LIST<STRING>
// returns: records :: INTEGER, unresolved :: INTEGER, multiply_resolved :: INTEGER
MATCH (r:SourceRecord)
WHERE r.source IN $sources AND r.kind IN ['contact', 'social_profile', 'employee']
WITH r, COUNT { (r)-[:RESOLVED_TO]->(:Person) } AS persons
RETURN count(r) AS records,
       count(CASE WHEN persons = 0 THEN 1 END) AS unresolved,
       count(CASE WHEN persons > 1 THEN 1 END) AS multiply_resolved
