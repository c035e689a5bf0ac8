// Moves records into a new pin group (records decided to be one person). Never-the-same
// decisions of the pins they leave carry over to the new pin, except toward pins listed
// in $drop_never (a merge overrides an older "never" between the merged sides);
// emptied pins are removed.
// params: $pin :: STRING, $decision :: STRING, $records :: LIST<MAP {source, source_id}>, $drop_never :: LIST<STRING>
// returns: pinned :: INTEGER
MERGE (new:Pin {id: $pin})
SET new.decision = $decision
WITH new
MATCH (d:Decision {id: $decision})
MERGE (d)-[:CREATED]->(new)
WITH new
UNWIND $records AS k
MATCH (r:SourceRecord {source: k.source, source_id: k.source_id})
CALL (r, new) {
  OPTIONAL MATCH (r)-[link:PINNED_TO]->(old:Pin)
  WHERE old <> new
  CALL (old, new) {
    OPTIONAL MATCH (old)-[:NEVER_SAME_AS]-(other:Pin)
    WHERE other <> new AND NOT other.id IN $drop_never
    WITH new, other WHERE other IS NOT NULL
    MERGE (new)-[:NEVER_SAME_AS]->(other)
  }
  DELETE link
  WITH old
  WHERE old IS NOT NULL AND NOT (old)<-[:PINNED_TO]-()
  DETACH DELETE old
}
MERGE (r)-[:PINNED_TO]->(new)
RETURN count(r) AS pinned
