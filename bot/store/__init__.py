"""SQLite storage behind small repositories, with numbered migrations (migrations/NNN_name.sql)."""

from bot.store.database import Database, MigrationError
from bot.store.repo import ChatRepository, Store, UserRepository

__all__ = ["ChatRepository", "Database", "MigrationError", "Store", "UserRepository"]
