"""Persistence: one aiosqlite database, numbered migrations, small repositories."""
