// Migration V6: the business graph derived from non-identity records (docs/graph-model.md).
// Company and Department are MERGEd on a folded key (a company without a domain has one
// too); ConsentChange is one node per consent_change record. Every derived relationship
// carries the (source, source_id) of the record it came from; the range index per type
// lets a record's relationships be found and deleted when it is relinked.
// params: none
// returns: nothing

CREATE CONSTRAINT company_key IF NOT EXISTS
FOR (c:Company) REQUIRE c.key IS UNIQUE;

CREATE CONSTRAINT department_key IF NOT EXISTS
FOR (d:Department) REQUIRE d.key IS UNIQUE;

CREATE CONSTRAINT consent_change_id IF NOT EXISTS
FOR (c:ConsentChange) REQUIRE c.id IS UNIQUE;

CREATE INDEX assigned_to_source IF NOT EXISTS
FOR ()-[x:ASSIGNED_TO]-() ON (x.source, x.source_id);

CREATE INDEX authored_source IF NOT EXISTS
FOR ()-[x:AUTHORED]-() ON (x.source, x.source_id);

CREATE INDEX changed_consent_source IF NOT EXISTS
FOR ()-[x:CHANGED_CONSENT]-() ON (x.source, x.source_id);

CREATE INDEX concerns_source IF NOT EXISTS
FOR ()-[x:CONCERNS]-() ON (x.source, x.source_id);

CREATE INDEX connected_to_source IF NOT EXISTS
FOR ()-[x:CONNECTED_TO]-() ON (x.source, x.source_id);

CREATE INDEX follows_source IF NOT EXISTS
FOR ()-[x:FOLLOWS]-() ON (x.source, x.source_id);

CREATE INDEX for_company_source IF NOT EXISTS
FOR ()-[x:FOR_COMPANY]-() ON (x.source, x.source_id);

CREATE INDEX handled_by_source IF NOT EXISTS
FOR ()-[x:HANDLED_BY]-() ON (x.source, x.source_id);

CREATE INDEX includes_source IF NOT EXISTS
FOR ()-[x:INCLUDES]-() ON (x.source, x.source_id);

CREATE INDEX member_of_source IF NOT EXISTS
FOR ()-[x:MEMBER_OF]-() ON (x.source, x.source_id);

CREATE INDEX mentions_source IF NOT EXISTS
FOR ()-[x:MENTIONS]-() ON (x.source, x.source_id);

CREATE INDEX opened_source IF NOT EXISTS
FOR ()-[x:OPENED]-() ON (x.source, x.source_id);

CREATE INDEX owns_deal_source IF NOT EXISTS
FOR ()-[x:OWNS_DEAL]-() ON (x.source, x.source_id);

CREATE INDEX participates_in_source IF NOT EXISTS
FOR ()-[x:PARTICIPATES_IN]-() ON (x.source, x.source_id);

CREATE INDEX part_of_source IF NOT EXISTS
FOR ()-[x:PART_OF]-() ON (x.source, x.source_id);

CREATE INDEX purchased_source IF NOT EXISTS
FOR ()-[x:PURCHASED]-() ON (x.source, x.source_id);

CREATE INDEX referred_source IF NOT EXISTS
FOR ()-[x:REFERRED]-() ON (x.source, x.source_id);

CREATE INDEX replied_to_source IF NOT EXISTS
FOR ()-[x:REPLIED_TO]-() ON (x.source, x.source_id);

CREATE INDEX reports_to_source IF NOT EXISTS
FOR ()-[x:REPORTS_TO]-() ON (x.source, x.source_id);

CREATE INDEX subscribed_to_source IF NOT EXISTS
FOR ()-[x:SUBSCRIBED_TO]-() ON (x.source, x.source_id);

CREATE INDEX touched_by_source IF NOT EXISTS
FOR ()-[x:TOUCHED_BY]-() ON (x.source, x.source_id);

CREATE INDEX works_at_source IF NOT EXISTS
FOR ()-[x:WORKS_AT]-() ON (x.source, x.source_id);
