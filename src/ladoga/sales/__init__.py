"""Sales: products and prices, agreements and contracts, proposals, customer orders with
posting control, invoices, shipments, payments and supplier orders (SPEC S1–S10).

See docs/sales.md for the decisions taken here.
"""
