"""Fonts: the per-language font policy, font files, glyph coverage and EPUB subsets."""
