"""The Textual user interface. Only this package may import textual."""
