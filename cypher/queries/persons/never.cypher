// Declares two pins never to be the same person.
// params: $a :: STRING, $b :: STRING, $decision :: STRING
// returns: a :: STRING, b :: STRING
MATCH (a:Pin {id: $a}), (b:Pin {id: $b})
MERGE (a)-[n:NEVER_SAME_AS]->(b)
SET n.decision = $decision
RETURN a.id AS a, b.id AS b
