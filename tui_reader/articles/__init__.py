"""Reading article files: decoding, parsing, corpus scanning and the article model."""
