"""The Bean Hop server: login exchange, catalog, orders, webhooks, inventory ledger."""
