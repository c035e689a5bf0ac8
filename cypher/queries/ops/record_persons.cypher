// The person each identity record (contact, social_profile, employee) of the given sources
// resolves to, and whether it carries an identifier that is evidence (unshared, no role),
// besides its own id in its source (`external:<source>:<source_id>`, which every one has).
// params: $sources :: LIST<STRING>
// returns: source :: STRING, source_id :: STRING, person :: STRING or null, strong :: BOOLEAN
MATCH (r:SourceRecord)
WHERE r.source IN $sources AND r.kind IN ['contact', 'social_profile', 'employee']
OPTIONAL MATCH (r)-[:RESOLVED_TO]->(p:Person)
RETURN r.source AS source,
       r.source_id AS source_id,
       p.id AS person,
       EXISTS {
         (r)-[:CARRIES]->(i:Identifier)
         WHERE NOT coalesce(i.shared, false) AND NOT coalesce(i.role, false)
           AND i.key <> 'external:' + r.source + ':' + r.source_id
       } AS strong
