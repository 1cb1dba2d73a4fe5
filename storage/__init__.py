"""Persistence: SQLAlchemy models, repository functions and Alembic migrations.

Nothing here imports the domain (`bot`); the domain imports this.
"""
