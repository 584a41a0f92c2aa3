"""The search index, query matching and ranking (no UI)."""
