// How many stored records carry each full name (their `f:` name-count key), for the
// matcher's name-frequency adjustment: a shared rare name is stronger evidence.
// params: $keys :: LIST<STRING> (full-name keys, "given|family")
// returns: key :: STRING, records :: INTEGER
UNWIND $keys AS key
MATCH (b:Block {key: 'f:' + key})
RETURN key, COUNT { (b)<-[:IN_BLOCK]-() } AS records
