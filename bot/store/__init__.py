"""SQLite storage behind small repositories, with numbered migrations (migrations/NNN_name.sql)."""

from bot.store.database import Database, DatabaseProblem, MigrationError
from bot.store.repo import ChatRepository, Store, UserRepository
from bot.store.writer import Writer

__all__ = ["ChatRepository", "Database", "DatabaseProblem", "MigrationError", "Store", "UserRepository", "Writer"]
