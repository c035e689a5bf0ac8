// Migration V7: companies by name. A domain company keeps the folded key of the first name
// it was seen with (`name_key`), so a mention by name alone can find it and a name-only
// company can be folded into it (docs/graph-model.md, "Companies").
// params: none
// returns: nothing

CREATE INDEX company_name_key IF NOT EXISTS
FOR (c:Company) ON (c.name_key);
