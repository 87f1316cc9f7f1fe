"""Alembic migrations of treu's store; run them through ``treu.store.migrate``."""
