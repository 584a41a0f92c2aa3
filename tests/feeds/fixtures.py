# ruff: noqa: E501 - Vietnamese fixture prose reads better unwrapped
"""Realistic Vietnamese news feeds and article pages, built the way the big sites serve them.

``rss_summaries`` is VnExpress-style RSS 2.0: each item a title, a link, a guid,
a pubDate and a one-line CDATA teaser with a thumbnail, nothing more. ``atom_full``
carries whole articles as HTML content. ``article_page`` is a saved-page-like HTML
article wrapped in navigation, ads, related links and a footer, which extraction
must drop.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape


@dataclass(frozen=True)
class Story:
    """One news story: what a feed item and its page are made from."""

    slug: str
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    author: str = "Hoàng Phương"
    published: datetime = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
    caption: str | None = None

    def changed(self, extra: str) -> Story:
        """The same story edited upstream: a paragraph reworded, one added."""
        first = (
            self.paragraphs[0].replace(".", ",", 1)
            if "." in self.paragraphs[0]
            else self.paragraphs[0]
        )
        return replace(self, paragraphs=(first, *self.paragraphs[1:], extra))


STORIES: tuple[Story, ...] = (
    Story(
        "ha-noi-mua-lon",
        "Hà Nội mưa lớn, nhiều tuyến phố ngập sâu giờ tan tầm",
        "Cơn mưa kéo dài hơn hai giờ chiều 29/11 khiến nhiều tuyến phố nội thành Hà Nội ngập sâu.",
        (
            "Cơn mưa lớn kéo dài hơn hai giờ chiều 29/11 khiến hàng loạt tuyến phố nội thành Hà Nội "
            "như Nguyễn Khuyến, Lý Thường Kiệt, Thái Hà ngập sâu 30-50 cm, giao thông ùn tắc kéo dài.",
            "Theo Trung tâm Dự báo khí tượng thủy văn quốc gia, lượng mưa đo được tại Láng đạt 112 mm, "
            "cao nhất kể từ đầu tháng. Nhiều người đi xe máy phải dắt bộ qua các điểm ngập.",
            "Công ty Thoát nước Hà Nội cho biết đã huy động hơn 2.000 công nhân ứng trực tại các điểm "
            "xung yếu, vận hành trạm bơm Yên Sở với công suất tối đa để tiêu thoát nước.",
            "Cơ quan khí tượng dự báo đêm nay và ngày mai khu vực Bắc Bộ còn mưa rào và dông rải rác, "
            "người dân cần đề phòng lốc, sét và gió giật mạnh.",
        ),
        caption="Người dân dắt xe qua đoạn ngập trên phố Thái Hà chiều 29/11. Ảnh: Giang Huy",
    ),
    Story(
        "gia-vang-tang",
        "Giá vàng miếng tăng lên mức cao nhất trong một tháng",
        "Sáng 30/11, giá vàng miếng SJC được các doanh nghiệp điều chỉnh tăng thêm 500.000 đồng mỗi lượng.",
        (
            "Sáng 30/11, Công ty Vàng bạc đá quý Sài Gòn (SJC) niêm yết giá vàng miếng ở mức 86,5 triệu "
            "đồng một lượng mua vào và 88,5 triệu đồng bán ra, tăng 500.000 đồng so với cuối tuần trước.",
            "Giá vàng nhẫn trơn 9999 cũng tăng theo, lên gần 87 triệu đồng một lượng ở chiều bán. "
            "Chênh lệch giữa giá mua và bán vẫn ở mức 2 triệu đồng, khiến người mua lướt sóng dễ thua lỗ.",
            "Trên thị trường thế giới, giá vàng giao ngay đứng quanh 2.650 USD một ounce khi đồng USD "
            "suy yếu và nhà đầu tư chờ đợi quyết định lãi suất của Cục Dự trữ Liên bang Mỹ (Fed).",
        ),
        author="Minh Sơn",
        published=datetime(2026, 11, 30, 2, 40, tzinfo=UTC),
    ),
    Story(
        "thi-tot-nghiep",
        "Bộ Giáo dục công bố phương án thi tốt nghiệp THPT năm 2027",
        "Kỳ thi tốt nghiệp THPT năm 2027 giữ ổn định cấu trúc, thí sinh thi bốn môn.",
        (
            "Bộ Giáo dục và Đào tạo vừa công bố phương án tổ chức kỳ thi tốt nghiệp THPT năm 2027, "
            "theo đó thí sinh thi bốn môn gồm Toán, Ngữ văn và hai môn tự chọn trong số các môn còn lại.",
            "Thứ trưởng Phạm Ngọc Thưởng cho biết phương án được giữ ổn định để học sinh, giáo viên yên "
            "tâm dạy và học, đồng thời tiếp tục thi trên giấy ở hầu hết địa phương.",
            "Kỳ thi dự kiến diễn ra trong hai ngày cuối tháng 6. Kết quả được dùng để xét công nhận tốt "
            "nghiệp và làm căn cứ tuyển sinh đại học, cao đẳng.",
        ),
        author="Thanh Hằng",
        published=datetime(2026, 11, 29, 23, 5, tzinfo=UTC),
    ),
    Story(
        "cao-toc-bac-nam",
        "Khánh thành thêm ba đoạn cao tốc Bắc - Nam phía Đông",
        "Ba dự án thành phần với tổng chiều dài hơn 200 km được đưa vào khai thác trong tháng 12.",
        (
            "Ngày 30/11, Bộ Giao thông Vận tải tổ chức lễ khánh thành ba đoạn cao tốc Bắc - Nam phía "
            "Đông gồm Diễn Châu - Bãi Vọt, Nha Trang - Cam Lâm và Vĩnh Hảo - Phan Thiết.",
            "Tổng chiều dài ba đoạn là 213 km, tổng mức đầu tư hơn 28.000 tỷ đồng. Khi đưa vào khai "
            "thác, thời gian di chuyển từ Hà Nội đến Vinh rút ngắn còn khoảng ba giờ rưỡi.",
            "Lãnh đạo Bộ đề nghị các nhà thầu tiếp tục hoàn thiện trạm dừng nghỉ, hệ thống giao thông "
            "thông minh và khắc phục ngay các vị trí mặt đường chưa bằng phẳng.",
        ),
        author="Đoàn Loan",
        published=datetime(2026, 11, 30, 5, 30, tzinfo=UTC),
    ),
    Story(
        "dong-bang-song-cuu-long",
        "Đồng bằng sông Cửu Long chủ động ứng phó xâm nhập mặn mùa khô",
        "Các tỉnh miền Tây đã xây dựng kế hoạch trữ nước ngọt, điều chỉnh lịch xuống giống vụ đông xuân.",
        (
            "Theo Viện Khoa học Thủy lợi miền Nam, mùa khô năm nay xâm nhập mặn ở Đồng bằng sông Cửu "
            "Long có thể đến sớm hơn trung bình nhiều năm khoảng hai tuần.",
            "Các tỉnh Bến Tre, Trà Vinh, Sóc Trăng đã vận hành hệ thống cống ngăn mặn, nạo vét kênh "
            "mương và hướng dẫn người dân trữ nước ngọt phục vụ sinh hoạt.",
            "Ngành nông nghiệp khuyến cáo nông dân xuống giống vụ đông xuân sớm, chọn giống lúa ngắn "
            "ngày, chịu mặn để tránh thiệt hại vào cuối vụ.",
        ),
        author="Ngọc Tài",
        published=datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
    ),
    Story(
        "bong-da-viet-nam",
        "Tuyển Việt Nam thắng đậm trong trận ra quân vòng loại",
        "Đội tuyển Việt Nam thắng 3-0 trên sân Mỹ Đình, khởi đầu thuận lợi ở vòng loại.",
        (
            "Tối 29/11, trên sân Mỹ Đình, đội tuyển Việt Nam thắng 3-0 trong trận ra quân vòng loại, "
            "với các bàn thắng của Nguyễn Tiến Linh, Nguyễn Quang Hải và Phạm Tuấn Hải.",
            "Huấn luyện viên trưởng đánh giá cao tinh thần của các cầu thủ, đặc biệt là khả năng pressing "
            "tầm cao trong hiệp một, giúp đội nhà sớm có bàn mở tỷ số.",
            "Trận tiếp theo, tuyển Việt Nam làm khách ở Bangkok vào ngày 4/12. Ban huấn luyện cho biết "
            "các cầu thủ được nghỉ một buổi trước khi tập trung trở lại.",
        ),
        author="Hiếu Lương",
        published=datetime(2026, 11, 29, 14, 45, tzinfo=UTC),
    ),
)


def rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def page_path(site: str, story: Story) -> str:
    return f"/{site}/{story.slug}.html"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as legacy Vietnamese files have it: precomposed vowels, combining tones."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base, marks = parts[0], parts[1:]
        # Fold in the marks cp1258 has precomposed (circumflex, breve, horn), keep tones apart.
        for mark in list(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            try:
                composed.encode("cp1258")
            except UnicodeEncodeError:
                continue
            base = composed
            marks = marks.replace(mark, "", 1)
        out += (base + marks).encode("cp1258")
    return bytes(out)


def rss_summaries(
    base: str,
    site: str,
    stories: tuple[Story, ...],
    *,
    title: str = "Tin mới nhất",
    encoding: str = "utf-8",
    declare: bool = True,
) -> bytes:
    """RSS 2.0 with teasers only (VnExpress, Tuổi Trẻ and Thanh Niên serve this)."""
    items = []
    for story in stories:
        link = base + page_path(site, story)
        items.append(
            "<item>"
            f"<title>{escape(story.title)}</title>"
            f'<link>{link}</link><guid isPermaLink="true">{link}</guid>'
            f"<pubDate>{rfc822(story.published)}</pubDate>"
            '<description><![CDATA[<a href="'
            + link
            + '"><img src="'
            + base
            + "/img/"
            + story.slug
            + '.jpg" ></a></br>'
            + story.summary
            + "]]></description>"
            "</item>"
        )
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if declare else ""
    xml = (
        f'{decl}<rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>{base}/{site}/</link><description>{escape(title)} - {site}</description>"
        f"<language>vi</language>{''.join(items)}</channel></rss>"
    )
    return to_cp1258(xml) if encoding == "cp1258" else xml.encode(encoding)


def atom_full(base: str, site: str, stories: tuple[Story, ...], *, title: str = "Thời sự") -> bytes:
    """Atom with the whole article as HTML content."""
    entries = []
    for story in stories:
        link = base + page_path(site, story)
        body = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
        if story.caption:
            body += f'<figure><img src="x.jpg"/><figcaption>{escape(story.caption)}</figcaption></figure>'
        entries.append(
            "<entry>"
            f"<title>{escape(story.title)}</title><id>tag:{site},2026:{story.slug}</id>"
            f'<link rel="alternate" href="{link}"/>'
            f"<published>{story.published.isoformat()}</published>"
            f"<updated>{story.published.isoformat()}</updated>"
            f"<author><name>{escape(story.author)}</name></author>"
            f"<summary>{escape(story.summary)}</summary>"
            f'<content type="html">{escape(body)}</content>'
            "</entry>"
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>tag:{site},2026:feed</id>"
        f'<link rel="alternate" href="{base}/{site}/"/>'
        f"<updated>{datetime(2026, 11, 30, tzinfo=UTC).isoformat()}</updated>{''.join(entries)}</feed>"
    )
    return xml.encode("utf-8")


def rss1(base: str, site: str, stories: tuple[Story, ...]) -> bytes:
    """RSS 1.0 (RDF), which some older portals still serve."""
    items = "".join(
        f'<item rdf:about="{base}{page_path(site, s)}"><title>{escape(s.title)}</title>'
        f"<link>{base}{page_path(site, s)}</link><description>{escape(s.summary)}</description>"
        f"<dc:date>{s.published.isoformat()}</dc:date><dc:creator>{escape(s.author)}</dc:creator></item>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="{base}/{site}/"><title>Cổng thông tin</title><link>{base}/{site}/</link>'
        f"<description>RDF</description></channel>{items}</rdf:RDF>"
    ).encode()


def article_page(story: Story, *, related: tuple[Story, ...] = ()) -> bytes:
    """A news article page as sites serve it: menus, ads, related links, comments, footer."""
    related_links = "".join(
        f'<li><a href="/{r.slug}.html">{escape(r.title)}</a></li>' for r in related
    )
    body = "".join(f'<p class="Normal">{escape(p)}</p>' for p in story.paragraphs)
    figure = (
        f'<figure><img src="/img/{story.slug}.jpg"/><figcaption>{escape(story.caption)}</figcaption></figure>'
        if story.caption
        else ""
    )
    html = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{escape(story.title)} - Báo Mẫu</title>
<meta property="og:title" content="{escape(story.title)}">
<meta name="author" content="{escape(story.author)}">
<meta property="article:published_time" content="{story.published.isoformat()}">
<link rel="canonical" href="https://baomau.vn/{story.slug}.html">
<script>window.dataLayer = [];</script><style>.ads {{ display: block }}</style>
</head><body>
<header><nav class="main-nav"><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li>
<li><a href="/kinh-doanh">Kinh doanh</a></li><li><a href="/the-thao">Thể thao</a></li></ul></nav></header>
<div class="ads banner">Quảng cáo: Mua sắm ngay, giảm giá 50% toàn bộ sản phẩm!</div>
<article class="fck_detail">
<h1 class="title-detail">{escape(story.title)}</h1>
<p class="description">{escape(story.summary)}</p>
{figure}
{body}
<p class="author"><strong>{escape(story.author)}</strong></p>
</article>
<aside class="related"><h3>Tin liên quan</h3><ul>{related_links}</ul></aside>
<div class="ads">Đăng ký nhận bản tin mỗi sáng</div>
<footer><p>© Báo Mẫu. Giấy phép số 123/GP-BTTTT. Liên hệ quảng cáo: 0900 000 000</p></footer>
</body></html>"""
    return html.encode("utf-8")


def site_page_with_feed_link(base: str, feed_path: str) -> bytes:
    """A site's home page that declares its feed, as ``feeds add`` meets it."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Báo Mẫu</title>'
        f'<link rel="alternate" type="application/rss+xml" title="Tin mới" href="{feed_path}">'
        "</head><body><nav>Trang chủ</nav><p>Tin tức 24h</p></body></html>"
    ).encode()


def timeline(count: int, start: datetime | None = None) -> list[datetime]:
    base = start or datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    return [base - timedelta(minutes=17 * i) for i in range(count)]
