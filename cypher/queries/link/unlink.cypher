// Deletes the relationships the given records derived, type by type: each carries its
// record's source and source_id, and a (source, source_id) index per type (migration V6)
// makes every delete an index seek. Only the types a record's kind derives are asked for.
// params: $by_type :: MAP of relationship type -> LIST<MAP {source, source_id}>
// returns: unlinked :: INTEGER
CALL () {
  UNWIND coalesce($by_type.ASSIGNED_TO, []) AS k
  MATCH ()-[x:ASSIGNED_TO {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.AUTHORED, []) AS k
  MATCH ()-[x:AUTHORED {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.CHANGED_CONSENT, []) AS k
  MATCH ()-[x:CHANGED_CONSENT {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.CONCERNS, []) AS k
  MATCH ()-[x:CONCERNS {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.CONNECTED_TO, []) AS k
  MATCH ()-[x:CONNECTED_TO {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.FOLLOWS, []) AS k
  MATCH ()-[x:FOLLOWS {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.FOR_COMPANY, []) AS k
  MATCH ()-[x:FOR_COMPANY {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.HANDLED_BY, []) AS k
  MATCH ()-[x:HANDLED_BY {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.INCLUDES, []) AS k
  MATCH ()-[x:INCLUDES {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.MEMBER_OF, []) AS k
  MATCH ()-[x:MEMBER_OF {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.MENTIONS, []) AS k
  MATCH ()-[x:MENTIONS {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.OPENED, []) AS k
  MATCH ()-[x:OPENED {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.OWNS_DEAL, []) AS k
  MATCH ()-[x:OWNS_DEAL {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.PARTICIPATES_IN, []) AS k
  MATCH ()-[x:PARTICIPATES_IN {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.PART_OF, []) AS k
  MATCH ()-[x:PART_OF {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.PURCHASED, []) AS k
  MATCH ()-[x:PURCHASED {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.REFERRED, []) AS k
  MATCH ()-[x:REFERRED {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.REPLIED_TO, []) AS k
  MATCH ()-[x:REPLIED_TO {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.REPORTS_TO, []) AS k
  MATCH ()-[x:REPORTS_TO {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.SUBSCRIBED_TO, []) AS k
  MATCH ()-[x:SUBSCRIBED_TO {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.TOUCHED_BY, []) AS k
  MATCH ()-[x:TOUCHED_BY {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
CALL () {
  UNWIND coalesce($by_type.WORKS_AT, []) AS k
  MATCH ()-[x:WORKS_AT {source: k.source, source_id: k.source_id}]->()
  DELETE x
}
RETURN 1 AS unlinked
