"""Partners and master data (SPEC P1–P11): partners, counterparties, contact persons,
contact information, bank accounts, additional properties, relations, duplicates, the state
registry and the registration wizard. See docs/partners.md."""
