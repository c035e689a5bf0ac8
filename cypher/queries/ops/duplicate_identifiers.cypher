// Identifier keys held by more than one node (the identifier_key constraint forbids it).
// params: none
// returns: key :: STRING, copies :: INTEGER
MATCH (i:Identifier)
WITH i.key AS key, count(*) AS copies
WHERE copies > 1
RETURN key, copies
ORDER BY key
LIMIT 100
