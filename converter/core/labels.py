"""Words the tool itself puts into a book (contents, cover, part titles), in the book's language.

One table per language family; anything else gets English. Pure functions, no imports from
the package besides language tags.
"""

from __future__ import annotations

from .langtag import family

_EN = {
    "contents": "Contents", "cover": "Cover", "title_page": "Title page", "start": "Start",
    "undated": "Undated", "uncategorized": "Uncategorized", "untagged": "Untagged",
    "anonymous": "Unknown author", "volume": "Vol. {n}", "page_ref": "p. {page}",
    "embed_video": "Video", "embed_audio": "Audio", "embed_tweet": "Tweet", "embed": "Embedded content",
    "image": "Image",
}
_TABLES: dict[str, dict[str, str]] = {
    "zh-Hans": {"contents": "目录", "cover": "封面", "title_page": "书名页", "start": "正文",
                "undated": "未注明日期", "uncategorized": "未分类", "untagged": "无标签",
                "anonymous": "佚名", "volume": "第{n}卷",
                "embed_video": "视频", "embed_audio": "音频", "embed_tweet": "推文", "embed": "嵌入内容", "image": "图片"},
    "zh-Hant": {"contents": "目錄", "cover": "封面", "title_page": "書名頁", "start": "正文",
                "undated": "未註明日期", "uncategorized": "未分類", "untagged": "無標籤",
                "anonymous": "佚名", "volume": "第{n}卷",
                "embed_video": "影片", "embed_audio": "音訊", "embed_tweet": "推文", "embed": "嵌入內容", "image": "圖片"},
    "ja": {"contents": "目次", "cover": "表紙", "title_page": "扉", "start": "本文",
           "undated": "日付なし", "uncategorized": "未分類", "untagged": "タグなし",
           "anonymous": "著者不明", "volume": "第{n}巻",
           "embed_video": "動画", "embed_audio": "音声", "embed_tweet": "ツイート", "embed": "埋め込みコンテンツ", "image": "画像"},
    "ko": {"contents": "목차", "cover": "표지", "title_page": "속표지", "start": "본문",
           "undated": "날짜 없음", "uncategorized": "미분류", "untagged": "태그 없음",
           "anonymous": "작자 미상", "volume": "제{n}권",
           "embed_video": "동영상", "embed_audio": "오디오", "embed_tweet": "트윗", "embed": "삽입된 콘텐츠", "image": "이미지"},
}
_TABLES["zh-HK"] = _TABLES["zh-Hant"]
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def label(key: str, lang: str, **values: object) -> str:
    """The label ``key`` in the language of ``lang`` with ``{name}`` fields filled in."""
    text = _TABLES.get(family(lang), {}).get(key) or _EN[key]
    return text.format(**values) if values else text


def embed_label(kind: str, lang: str) -> str:
    """What an embed that a book cannot play is called (``video``, ``audio``, ``tweet``,
    anything else: embedded content)."""
    key = f"embed_{kind}"
    return label(key if key in _EN else "embed", lang)


def month_label(year: int, month: int, lang: str) -> str:
    """A month as people write it: 2019年3月, 2019년 3월, March 2019."""
    fam = family(lang)
    if fam in ("zh-Hans", "zh-Hant", "zh-HK", "ja"):
        return f"{year}年{month}月"
    if fam == "ko":
        return f"{year}년 {month}월"
    return f"{_MONTHS_EN[month - 1]} {year}"


def coverage_label(coverage: str) -> str:
    """An ISO interval (``2019-03-01/2019-12-30``) as a span for covers and title pages."""
    first, _, last = coverage.partition("/")
    return f"{first} – {last}" if last and last != first else first
