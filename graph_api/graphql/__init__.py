"""GraphQL at /graphql (strawberry): entities, pages, lineage, impact."""
