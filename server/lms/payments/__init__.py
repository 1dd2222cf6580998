"""Payments: gateways, the tenant's currencies, orders and their payments, refunds and receipts."""
