"""converter: blog posts in, EPUB 3, PDF and DOCX books out, with CJK typography done right."""

__version__ = "0.1.0"
