"""GraphQL schema (strawberry): turns GraphQL operations into named Cypher queries."""
