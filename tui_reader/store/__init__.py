"""The SQLite state store: read marks, reading positions and bookmarks.

Use :class:`tui_reader.store.state.StateStore`. The pieces, each small:

- ``state``: the public ``StateStore`` (read marks, offsets, bookmarks, status).
- ``saver``: disk when possible, an in-memory copy plus a replay queue when not.
- ``db``: opening safely (WAL, busy timeout, migrations, moving broken files aside).
- ``schema``: the ordered migrations and what bookmark offsets mean.
- ``marks`` / ``bookmarks``: the SQL for each table; ``records``: import checks.
- ``errors``: which failures are temporary disk trouble and which are a broken file.
"""
