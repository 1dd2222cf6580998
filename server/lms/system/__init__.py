"""Health, the OpenAPI document and the Swagger UI that renders it."""
