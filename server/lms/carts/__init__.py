"""Carts: each buyer's cart and wishlist, coupons, and checkout into an order."""
