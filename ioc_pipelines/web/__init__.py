"""The portal and JSON API: routes (thin) + templates/ + static/ (``ioc serve``)."""
