"""Where a query matches inside a text: highlight spans and snippets, in original offsets.

The reading pane calls :func:`match_spans` with the open article and either
the query text or ``SearchResults.matcher`` (which carries the exact
expansions the search used, typo neighbours included) and gets, per passage,
``(start, end)`` offsets into the passage text to highlight and jump between.
Consecutive matched words separated only by spaces form one span, so a
phrase is one match.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace

from tui_reader.articles.model import Article
from tui_reader.search.query import PREFIX, MatchRule, QueryPlan, rules_for
from tui_reader.search.vocab import Vocabulary
from tui_reader.text.fold import folded_text
from tui_reader.text.tokens import MAX_TERM_CHARS, TOKEN_RE, Token, tokenize

__all__ = [
    "SNIPPET_CHARS",
    "Spans",
    "TokenMatcher",
    "best_passage",
    "covering_passage",
    "make_snippet",
    "match_spans",
    "matcher_for",
    "text_matcher",
    "text_spans",
    "token_spans",
]

SNIPPET_CHARS = 200
#: Weaker typo matches (a real short syllable one edit away) help ranking but
#: would light up half a page if highlighted.
HIGHLIGHT_MIN = 0.5
_LEAD_IN = 60  # Characters of context kept before the match.
_WHITESPACE = str.maketrans({"\n": " ", "\r": " ", "\t": " "})

Spans = list[tuple[int, int]]


class TokenMatcher:
    """Decides whether a folded token matches any query word, and how well.

    ``known`` maps vocabulary terms to their quality (the search's own
    expansions); other tokens are judged by the vocabulary-free rules, unless
    ``closed`` (then ``known`` is the whole list: what one hit's ranking counted).
    """

    per_article = False  # True: made for one article (see rules.HitMatcher).

    def __init__(
        self,
        rules: Sequence[MatchRule],
        known: dict[str, float] | None = None,
        *,
        closed: bool = False,
    ) -> None:
        # With ``known`` expansions, typos come only from them (exactly what was searched).
        self.rules = tuple(rules if known is None else (replace(r, max_edits=0) for r in rules))
        self._known = dict(known or {})
        self._closed = closed
        self._memo: dict[str, float] = {}

    def __bool__(self) -> bool:
        return bool(self.rules)

    def quality(self, token: str) -> float:
        memo = self._memo.get(token)
        if memo is not None:
            return memo
        quality = self._known.get(token, 0.0)
        if not quality and not self._closed:
            for rule in self.rules:
                if abs(len(token) - len(rule.text)) <= rule.max_edits or rule.prefix:
                    quality = max(quality, rule.quality(token))
        if len(self._memo) < 50_000:
            self._memo[token] = quality
        return quality

    def marks(self, tokens: Sequence[str]) -> list[bool]:
        """Which of these consecutive folded tokens to highlight."""
        return [self.quality(t) > 0 for t in tokens]


def matcher_for(plan: QueryPlan, vocab: Vocabulary) -> TokenMatcher:
    """A matcher using exactly the terms a search plan expanded to."""
    known: dict[str, float] = {}
    for word in plan.words:
        typos = word.quality < PREFIX  # Exact and prefix matches follow from the rules.
        for gid, quality in zip(
            word.ids[typos].tolist(), word.quality[typos].tolist(), strict=True
        ):
            term = vocab.term(gid)
            if quality >= HIGHLIGHT_MIN:
                known[term] = max(known.get(term, 0.0), quality)
    return TokenMatcher(plan.rules, known)


def text_matcher(query: str, words: set[str]) -> TokenMatcher:
    """A vocabulary-free matcher for ``query`` over texts whose folded tokens are ``words``.

    Short query words (under 5 letters) that occur in ``words`` as typed are
    taken as meant: they match exactly (and as a prefix), not every syllable
    one letter away (``noi`` should not light up ``hội``).
    """
    rules = [
        replace(r, max_edits=0) if len(r.text) < 5 and r.text in words else r
        for r in rules_for(query)
    ]
    return TokenMatcher(rules)


def _matcher(query: str | TokenMatcher, *texts: str) -> TokenMatcher:
    if isinstance(query, TokenMatcher):
        return query
    return text_matcher(query, {t.folded for text in texts for t in tokenize(text)})


def token_spans(text: str, tokens: Sequence[Token], matched: Sequence[bool]) -> Spans:
    """Spans of the matched tokens; matches separated only by spaces merge into one."""
    spans: Spans = []
    for token, hit in zip(tokens, matched, strict=True):
        if not hit:
            continue
        if spans and not text[spans[-1][1] : token.start].strip():
            spans[-1] = (spans[-1][0], token.end)
        else:
            spans.append((token.start, token.end))
    return spans


def text_spans(text: str, query: str | TokenMatcher) -> Spans:
    """Highlight spans of ``query`` in one text."""
    matcher = _matcher(query, text)
    if not matcher:
        return []
    tokens = tokenize(text)
    return token_spans(text, tokens, matcher.marks([t.folded for t in tokens]))


def match_spans(article: Article, query: str | TokenMatcher) -> tuple[Spans, dict[int, Spans]]:
    """Every match of ``query`` in ``article``: title spans, and spans per passage index.

    Offsets are into ``article.title`` and ``article.passages[i].text``;
    passages without a match are left out of the dict.
    """
    matcher = _matcher(query, article.title, *(p.text for p in article.passages))
    if not matcher:
        return [], {}
    passages: dict[int, Spans] = {}
    for index, passage in enumerate(article.passages):
        spans = text_spans(passage.text, matcher)
        if spans:
            passages[index] = spans
    return text_spans(article.title, matcher), passages


def best_passage(passages: Sequence[str], query: str | TokenMatcher) -> int | None:
    """The passage with the most (quality-weighted) matching words, if any matches."""
    matcher = _matcher(query, *passages)
    best, best_score = None, 0.0
    for index, text in enumerate(passages):
        folded = folded_text(text).folded
        score = sum(matcher.quality(t[:MAX_TERM_CHARS]) for t in TOKEN_RE.findall(folded))
        if score > best_score:
            best, best_score = index, score
    return best


def covering_passage(
    passages: Sequence[str], query: str | TokenMatcher, prefer: int | None = None
) -> int | None:
    """The passage that holds the most distinct query words (``prefer`` wins ties).

    A search hit's passage is where its best alignment lies; when the query's
    words are split in the text ("hội nghị thượng đỉnh tại Hà Nội" for "hoi nghi
    thuong dinh ha noi") several passages can align equally well, and the one
    that also holds the rest of the query is the one to open at.
    """
    matcher = _matcher(query, *passages)
    if not matcher:
        return prefer
    rules = [TokenMatcher([rule]) for rule in matcher.rules]
    best, best_count = prefer, -1
    if prefer is not None and 0 <= prefer < len(passages):
        best_count = _coverage(passages[prefer], rules)
    for index, text in enumerate(passages):
        count = _coverage(text, rules)
        if count > best_count:
            best, best_count = index, count
    return best


def _coverage(text: str, rules: Sequence[TokenMatcher]) -> int:
    tokens = {t[:MAX_TERM_CHARS] for t in TOKEN_RE.findall(folded_text(text).folded)}
    return sum(1 for rule in rules if any(rule.quality(t) >= HIGHLIGHT_MIN for t in tokens))


class _LazyTokens:
    """Token boundaries of a text without building a :class:`Token` per token.

    Snippets need every token's index (to find the aligned one) but the
    folded term and original offsets of only the few tokens in the window.
    """

    def __init__(self, text: str) -> None:
        self.ft = folded_text(text)
        self.spans = [m.span() for m in TOKEN_RE.finditer(self.ft.folded)]

    def __len__(self) -> int:
        return len(self.spans)

    def token(self, index: int) -> Token:
        fs, fe = self.spans[index]
        start, end = self.ft.to_original(fs, fe)
        return Token(start, end, self.ft.folded[fs:fe][:MAX_TERM_CHARS])


def make_snippet(
    text: str, query: str | TokenMatcher, center: int | None = None, width: int = SNIPPET_CHARS
) -> tuple[str, Spans]:
    """A window of ``text`` around a match, with highlight spans relative to the window.

    ``center`` is the token index to centre on (the search's best alignment);
    by default the densest cluster of matching words is used.
    """
    matcher = _matcher(query, text)
    lazy = _LazyTokens(text)
    count = len(lazy)
    if not count:
        clipped = text[:width].translate(_WHITESPACE)
        return clipped + ("…" if len(text) > width else ""), []
    if center is None or not 0 <= center < count:
        center = _densest(lazy, matcher, width)
    mid = lazy.token(center)
    # The window's tokens by binary search over original offsets (they never decrease),
    # so only the marked ones become Tokens.
    spans, ft = lazy.spans, lazy.ft
    start = max(0, mid.start - _LEAD_IN)
    first = bisect_left(spans, start, 0, center, key=lambda sp: ft.to_original(*sp)[0])
    start = lazy.token(first).start if start > 0 else 0
    end = min(len(text), start + width)
    last = bisect_right(spans, end, center + 1, count, key=lambda sp: ft.to_original(*sp)[1]) - 1
    if end < len(text):
        end = max(lazy.token(last).end, mid.end)
    # Marks are judged with two tokens of context each side: a pinned match needs its
    # neighbour, a corrected one a line of three query words in place (rules.LINE).
    lo, hi = max(first - 2, 0), min(last + 3, count)
    folded = ft.folded
    around = [folded[s:e][:MAX_TERM_CHARS] for s, e in spans[lo:hi]]
    marks = matcher.marks(around) if matcher else [False] * len(around)
    lit = [lazy.token(i) for i in range(first, last + 1) if marks[i - lo]]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    window = text[start:end].translate(_WHITESPACE)
    shift = len(prefix) - start
    spans_out = [(s + shift, e + shift) for s, e in token_spans(text, lit, [True] * len(lit))]
    return prefix + window + suffix, spans_out


def _densest(lazy: _LazyTokens, matcher: TokenMatcher, width: int) -> int:
    """Index of the first matched token of the window holding the most matches.

    Every token is judged, but original offsets are taken only for the matched ones:
    a passage has hundreds of tokens and a handful of matches.
    """
    folded = lazy.ft.folded
    terms = [folded[s:e][:MAX_TERM_CHARS] for s, e in lazy.spans]
    marks = matcher.marks(terms) if matcher else []
    hits = [i for i, m in enumerate(marks) if m]
    if not hits:
        return 0
    bounds = [lazy.token(i) for i in hits]
    best, best_count = hits[0], 0
    j = 0
    for i, first in enumerate(bounds):
        while j < len(hits) and bounds[j].end - first.start <= width - _LEAD_IN:
            j += 1
        if j - i > best_count:
            best, best_count = hits[i], j - i
    return best
