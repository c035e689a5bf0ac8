// Every relationship with its type, properties and the labels and key properties of both
// endpoints, for the content hash of the graph (graph_service/content_hash.py).
// params: $key_properties :: LIST<STRING> (property names that identify a node: id, key, ...)
// returns: type :: STRING, props :: MAP, start_labels :: LIST<STRING>, start_key :: LIST<LIST>, end_labels :: LIST<STRING>, end_key :: LIST<LIST>
MATCH (a)-[r]->(b)
RETURN type(r) AS type,
       properties(r) AS props,
       labels(a) AS start_labels,
       [k IN $key_properties WHERE a[k] IS NOT NULL | [k, a[k]]] AS start_key,
       labels(b) AS end_labels,
       [k IN $key_properties WHERE b[k] IS NOT NULL | [k, b[k]]] AS end_key
