"""Text folding, syllable tokenization and pyvi word segmentation (no UI)."""
