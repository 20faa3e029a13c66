"""Output file names: CJK kept, illegal characters gone, length capped, collisions numbered."""

from converter.writers.output import MAX_NAME_BYTES, safe_stem, unique_stem


def test_safe_stem_keeps_cjk_and_drops_illegal():
    assert safe_stem('美媒曝北京: 马云能拒绝吗?') == "美媒曝北京 马云能拒绝吗"
    assert safe_stem("\x08俄罗斯\u200a——\u200bWikileaks ⏳ - iYouPort") == "俄罗斯 ——Wikileaks ⏳ - iYouPort"
    assert safe_stem("trailing dots... ") == "trailing dots"
    assert safe_stem("a/b\\c|d*e<f>g") == "abcdefg"
    assert safe_stem("") == "untitled"
    assert safe_stem("CON") == "CON_"


def test_length_is_capped_at_a_character_boundary():
    stem = safe_stem("汉" * 200)
    assert len(stem.encode()) <= MAX_NAME_BYTES
    assert set(stem) == {"汉"}


def test_collisions_are_numbered_case_blind():
    taken: set[str] = set()
    assert unique_stem("Book", taken) == "Book"
    assert unique_stem("book", taken) == "book (2)"
    assert unique_stem("Book", taken) == "Book (3)"
