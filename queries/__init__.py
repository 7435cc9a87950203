"""The store: schema and migrations, SQL files loaded by name, typed reads."""
