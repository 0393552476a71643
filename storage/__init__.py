"""storage: the only place SQL lives (the store, its parts, migrations, the transaction)."""
