"""The CRM models as data: stages, definitions, sources, and the analyses that illustrate them."""
