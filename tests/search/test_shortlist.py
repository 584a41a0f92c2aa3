"""The shortlist (the ~100 articles the ranking rules see) keeps what the rules rank first.

Each test builds a corpus with more distractors than the shortlist holds
(``engine.RERANK_MIN``), so an article the rules would rank first but the
shortlist's pre-score leaves out is simply missing from the results.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.search.conftest import Build, write_article
from tui_reader.search.engine import RERANK_MIN, search
from tui_reader.search.index import IndexSnapshot

FILLER = "Người dân địa phương cho biết thời tiết những ngày qua khá thuận lợi. " * 3


def _names(snapshot: IndexSnapshot, query: str) -> list[str]:
    results = search(snapshot, query, limit=10)
    return [Path(h.path).name for h in results.hits]


def _crowd(
    folder: Path, stem: str, title: Callable[[int], str], body: Callable[[int], str]
) -> None:
    """More distractors than the shortlist holds: ``stem000.txt``, ``stem001.txt``, ..."""
    for i in range(RERANK_MIN + 40):
        write_article(folder, f"{stem}{i:03d}.txt", title(i), body(i))


def test_phrase_in_place_beats_the_query_pyvi_word_held_elsewhere(
    tmp_path: Path, build: Build
) -> None:
    """``o dau khi`` is «ở đâu khi» in place; «dầu khí» somewhere in an article with «ở»,
    «đâu» and «khi» scattered does not push it out of the shortlist."""
    folder = tmp_path / "c"
    folder.mkdir()
    _crowd(
        folder,
        "oil",
        lambda i: f"Giá dầu khí tháng {i}",
        lambda i: (
            f"Công ty dầu khí số {i} ở miền Nam. {FILLER} Không biết đâu là giới hạn, "
            "khi giá còn tăng."
        ),
    )
    write_article(
        folder,
        "where.txt",
        "Chuyện một đêm",
        f"{FILLER} Cảnh sát ở đâu khi tội phạm hoành hành? {FILLER}",
    )
    builder, _ = build(folder)
    assert _names(builder.snapshot(), "o dau khi")[0] == "where.txt"


def test_weak_typo_neighbours_do_not_fill_the_shortlist(tmp_path: Path, build: Build) -> None:
    """Articles holding two words in a title phrase and only a weak neighbour of the third
    («tai» for ``tau``, which the rules do not count there) do not crowd out the one
    holding all three as typed, scattered: it has every word, so the rules put it first."""
    folder = tmp_path / "c"
    folder.mkdir()
    _crowd(
        folder,
        "near",
        lambda i: f"Cướp súng lần thứ {i}",
        lambda i: f"{FILLER} Người bị nạn nói đó là tai họa. {FILLER}",
    )
    write_article(
        folder,
        "all.txt",
        "Chuyện ở nhà ga",
        f"Tên cướp lên tàu. {FILLER} Hắn giấu khẩu súng trong túi. {FILLER}",
    )
    builder, _ = build(folder)
    names = _names(builder.snapshot(), "cuop sung tau")
    assert names[0] == "all.txt"


def test_a_whole_typed_word_held_as_one_token_aligns_as_its_syllables(
    tmp_path: Path, build: Build
) -> None:
    """``vietnam dung gio`` is searched as ``viet nam dung gio``: «Vietnam đúng giờ» holds
    the four words in one phrase (one token for two syllables), so the alignments read
    that token for both syllables; read one syllable per token, it aligned worse than
    «Việt Nam đúng là» in every distractor and fell out of the shortlist."""
    folder = tmp_path / "c"
    folder.mkdir()
    _crowd(
        folder,
        "vn",
        lambda i: f"Bản tin số {i}",
        lambda i: f"{FILLER} Việt Nam đúng là mạnh. {FILLER} Bây giờ thì khác.",
    )
    write_article(folder, "brand.txt", "Hãng Vietnam đúng giờ nhất", FILLER)
    builder, _ = build(folder)
    results = search(builder.snapshot(), "vietnam dung gio ", limit=10)
    assert results.plan is not None and ("vietnam", "viet nam") in results.plan.rewrites
    assert Path(results.hits[0].path).name == "brand.txt"


def test_a_word_the_corpus_holds_once_does_not_use_up_the_anchors(
    tmp_path: Path, build: Build
) -> None:
    """``phung von kin ieng`` for «phương vốn kín tiếng»: ``ieng`` is a term (once, in
    another article) and ``phung`` one too, the two rarest words; as the only anchors they
    reach none of the article meant, which then ties with every article holding three of
    the words scattered. ``ieng`` costs nothing: the next rarest word anchors as well."""
    folder = tmp_path / "c"
    folder.mkdir()
    _crowd(
        folder,
        "far",
        lambda i: f"Bản tin số {i}",
        lambda i: f"Ông Phùng nói. {FILLER} Đồng vốn, vốn liếng. {FILLER} Kín kẽ, kín đáo.",
    )
    write_article(folder, "odd.txt", "Chữ lạ", f"Mã ieng lạ. {FILLER}")
    write_article(folder, "meant.txt", "Người phán xử", f"{FILLER} Anh phương vốn kín tiếng.")
    builder, _ = build(folder)
    assert _names(builder.snapshot(), "phung von kin ieng ")[0] == "meant.txt"
