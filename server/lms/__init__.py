"""LMS service: multi-tenant learning-management backend (gRPC services, JSON through Envoy)."""

__version__ = "0.1.0"
