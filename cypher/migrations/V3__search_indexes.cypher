// Migration V3: search indexes.
// person_names: full-text (Lucene) over name fields, for fuzzy lookups and blocking.
// conversation_embedding: 384-dimension cosine vector index, matching the
// all-MiniLM-L6-v2 sentence embeddings the workers store on Conversation.embedding.
// conversation_at / source_record_observed_at: range indexes for time-window queries.
// params: none
// returns: nothing

CREATE FULLTEXT INDEX person_names IF NOT EXISTS
FOR (p:Person) ON EACH [p.full_name, p.given_name, p.family_name];

CREATE VECTOR INDEX conversation_embedding IF NOT EXISTS
FOR (c:Conversation) ON c.embedding
OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}};

CREATE INDEX conversation_at IF NOT EXISTS
FOR (c:Conversation) ON (c.at);

CREATE INDEX source_record_observed_at IF NOT EXISTS
FOR (r:SourceRecord) ON (r.observed_at);
