"""Reading a saved page: its text, template, provenance, numbers, and the ledger that accounts for them."""
