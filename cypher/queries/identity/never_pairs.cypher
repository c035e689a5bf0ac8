// "Never the same person" decisions between the given pins.
// params: $pins :: LIST<STRING>
// returns: a :: STRING, b :: STRING
UNWIND $pins AS id
MATCH (a:Pin {id: id})-[:NEVER_SAME_AS]-(b:Pin)
RETURN a.id AS a, b.id AS b
