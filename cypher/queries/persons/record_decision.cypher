// Records a human decision: who, when, why, and what it was about.
// params: $decision :: MAP {id, type, by, reason, persons (LIST<STRING>), records (LIST<STRING>)}, $now :: STRING
// returns: id :: STRING
CREATE (d:Decision {id: $decision.id})
SET d.type = $decision.type,
    d.by = $decision.by,
    d.reason = $decision.reason,
    d.persons = $decision.persons,
    d.records = $decision.records,
    d.at = datetime($now)
RETURN d.id AS id
