"""The SQLite state store: read marks, reading positions and bookmarks."""
