"""Where brm-bot keeps its records: SQLModel models, the engine and sessions, queries, migrations."""
