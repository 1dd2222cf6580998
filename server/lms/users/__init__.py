"""The per-tenant user directory: profiles from token claims, settable by admins."""
