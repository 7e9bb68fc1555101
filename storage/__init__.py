"""Storage: SQLModel tables, repository functions, engines, units of work and migrations."""
