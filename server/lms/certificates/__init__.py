"""Certificates: per-course settings, issuing on completion, PDF rendering and public verification."""
