// The persons each source record leads to now: per role of its references, every person
// whose records carry one of the referenced identifiers (unshared, not a role address:
// the identifiers HAS_IDENTIFIER derives from) or, for an external id, whose record has it
// as its own (source, source_id); with how many identifiers lead there,
// and for identity records the person the record resolved to; plus the signature of what
// it was last linked to. Read from the records rather than HAS_IDENTIFIER, which a split
// may leave stale on the person that lost records.
// params: $records :: LIST<MAP> each {source, source_id}
// returns: source :: STRING, source_id :: STRING, kind :: STRING, signature :: STRING, refs :: LIST<MAP {role, person, hits}>, subject :: STRING
UNWIND $records AS k
MATCH (r:SourceRecord {source: k.source, source_id: k.source_id})
CALL (r) {
  CALL (r) {
    MATCH (r)-[ref:REFERS_TO]->(i:Identifier)<-[:CARRIES]-(:SourceRecord)-[:RESOLVED_TO]->(p:Person)
    WHERE NOT coalesce(i.shared, false) AND NOT coalesce(i.role, false)
    RETURN ref.role AS role, p.id AS person, i.key AS via
    UNION
    // An external id {system, value} also names the record whose own key in that system
    // it is: a shop's purchases name the customer by the shop contact's source_id.
    MATCH (r)-[ref:REFERS_TO]->(i:ExternalId)
    MATCH (s:SourceRecord {source: i.system, source_id: i.value})-[:RESOLVED_TO]->(p:Person)
    USING INDEX SEEK s:SourceRecord(source, source_id)
    RETURN ref.role AS role, p.id AS person, i.key AS via
  }
  WITH role, person, count(DISTINCT via) AS hits
  RETURN collect({role: role, person: person, hits: hits}) AS refs
}
OPTIONAL MATCH (r)-[:RESOLVED_TO]->(s:Person)
RETURN r.source AS source, r.source_id AS source_id, r.kind AS kind,
       r.link_signature AS signature, refs, s.id AS subject
