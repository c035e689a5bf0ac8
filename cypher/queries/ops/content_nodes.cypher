// Every node with its labels and properties, for the content hash of the graph
// (graph_service/content_hash.py); the caller drops volatile properties and sorts.
// params: none
// returns: labels :: LIST<STRING>, props :: MAP
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props
