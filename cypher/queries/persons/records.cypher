// The persons behind the given ids (merged ids follow their alias), with every record.
// params: $ids :: LIST<STRING>
// returns: asked :: STRING, person :: STRING, source :: STRING, source_id :: STRING, profile :: STRING, payload :: STRING, pin :: STRING, rule :: STRING, evidence :: STRING
UNWIND $ids AS asked
OPTIONAL MATCH (direct:Person {id: asked})
OPTIONAL MATCH (:PersonAlias {id: asked})-[:MERGED_INTO]->(via:Person)
WITH asked, coalesce(direct, via) AS p
WHERE p IS NOT NULL
MATCH (p)<-[link:RESOLVED_TO]-(r:SourceRecord)
OPTIONAL MATCH (r)-[:PINNED_TO]->(pin:Pin)
RETURN asked, p.id AS person, r.source AS source, r.source_id AS source_id,
       r.profile AS profile, r.payload AS payload, pin.id AS pin,
       link.rule AS rule, link.evidence AS evidence
ORDER BY asked, source, source_id
