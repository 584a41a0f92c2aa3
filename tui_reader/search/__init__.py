"""The search index, query matching and ranking (no UI).

How the pieces fit, for callers (the UI, the CLI, benchmarks)::

    from tui_reader.search.index import IndexBuilder, index_dir_for
    from tui_reader.search.engine import search
    from tui_reader.search.highlight import match_spans

    builder = IndexBuilder(index_dir_for(roots))       # loads the cached index (fast)
    # In a background thread; searching works meanwhile on what is indexed so far:
    stats = builder.update(files, progress=on_progress, cancel=stop_event)
    results = search(builder.snapshot(), "ro ri khog thoat", limit=50)
    title_spans, passage_spans = match_spans(article, results.matcher)

Modules: :mod:`~tui_reader.search.index` (the builder: one index folder),
:mod:`~tui_reader.search.update` (the diff and the process pool),
:mod:`~tui_reader.search.merge` (the merge policy),
:mod:`~tui_reader.search.state` (loading, writing, committing segments),
:mod:`~tui_reader.search.manifest` (the commit record and the lock),
:mod:`~tui_reader.search.snapshot` (what a search reads),
:mod:`~tui_reader.search.engine` (ranking, ``search``),
:mod:`~tui_reader.search.query` (expanding typed words over the vocabulary),
:mod:`~tui_reader.search.highlight` (spans and snippets),
:mod:`~tui_reader.search.filter` (in-memory filter for short lists),
:mod:`~tui_reader.search.segment`, :mod:`~tui_reader.search.vocab` and
:mod:`~tui_reader.search.analysis` (storage and worker-side analysis).
"""
