"""Subscriptions: fetching news feeds into article files the rest of tui-reader reads.

- ``http``: polite, bounded, conditional HTTP (httpx).
- ``parse``: feed bodies to entries (feedparser), feed discovery in web pages.
- ``fragment``: HTML fragments from feeds as paragraphs.
- ``extract``: article pages through the HTML format's extractor.
- ``storage``: atomic JSON article files under ``<data_dir>/feeds/``.
- ``store``: the feeds database (subscriptions, what was fetched, validators).
- ``fetcher``: fetching many feeds, deduplicating, updating in place.
- ``subscriptions``: subscribe, unsubscribe, prune.
- ``opml``: import and export of the subscription list.

No UI here (an import-linter contract keeps textual out): the CLI and the app
both build on these modules.
"""
