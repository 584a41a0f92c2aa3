"""tui-reader: a full-screen terminal reader for news corpora, Vietnamese first."""

__version__ = "0.1.0"
