"""The rule table of the cleanup stage: named, switchable rules as data.

Each rule removes (or unwraps, or strips to its images) the elements a CSS selector matches.
Rules are grouped: ``generic`` holds structure any site may have (hidden elements, forms,
navigation, share bars); the other groups are the class vocabularies of common publishing
platforms (WordPress and its Jetpack plugin, Drupal, Medium, Vue page shells). No rule is
keyed to one post or one site's article ids. The structural rules that need more than a
selector (comment sections, related-link lists, lazy-image copies, tracking pixels) live in
``structural.py`` and are listed here by name too, so that all rules are switched on and off
the same way (``[cleanup] disable = [...]`` in converter.toml).
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIONS = ("remove", "unwrap", "keep-images")


@dataclass(frozen=True, slots=True)
class Rule:
    """``name``: stable id (``group.what``); ``selector``: lexbor CSS selector; ``action``:
    'remove' drops the element, 'unwrap' keeps its children, 'keep-images' keeps only the
    images inside it; ``why``: what the rule is for (shown by ``inspect --report``)."""

    name: str
    selector: str
    action: str = "remove"
    why: str = ""

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]


def _r(name: str, selector: str, action: str = "remove", why: str = "") -> Rule:
    return Rule(name, selector, action, why)


SELECTOR_RULES: tuple[Rule, ...] = (
    # -- generic structure
    _r("generic.hidden", '[hidden], [style*="display:none"], [style*="display: none"], '
       '[style*="visibility:hidden"], [style*="visibility: hidden"], .screen-reader-text, .sr-only, '
       '.visually-hidden, .element-invisible, .element-hidden, .hidden',
       why="elements a browser does not show"),
    _r("generic.forms", "form, button, input, select, textarea, [role=button], [role=search]",
       why="forms and buttons (comment boxes, search, subscribe)"),
    _r("generic.navigation", 'nav, [role=navigation], .breadcrumb, .breadcrumbs, .pagination, .pager, '
       '.nav-links, .post-navigation',
       why="site navigation, pagers"),
    _r("generic.share", '.share-buttons, .social-share, .share-bar, .sharing, .addthis_toolbox, '
       '.sharethis, .shareaholic-canvas, .social-icons, [class^="share-"], .print-link',
       why="share and print buttons"),
    _r("generic.ads", 'ins.adsbygoogle, .advertisement, .ad-container, [id^="div-gpt-ad"], '
       '[class^="ads_"], [class*=" ads_"], [id^="atatags-"], .wordads-ad-wrapper',
       why="ad slots"),
    _r("generic.media-duplicates", "img.progressiveMedia-thumbnail, canvas.progressiveMedia-canvas",
       why="blurred preview copies of lazy-loaded images"),
    # -- WordPress themes
    _r("wordpress.entry-meta", ".entry-meta, .post-meta, .posted-on, .byline, .cat-links, .tags-links, "
       ".word-count, .edit-link",
       why="byline, category links, dates, word count"),
    _r("wordpress.entry-footer", ".entry-footer, .post-tags, .entry-author-wrapper, .site-posted-on, "
       ".author-bio, .author-box",
       why="tag lists ('Tagged …'), posted-on lines, author boxes"),
    _r("wordpress.more-marker", 'span[id^="more-"]', why="the <!--more--> anchor"),
    _r("wordpress.ad-inserter", ".code-block, .post-sidebar", why="Ad Inserter slots and sidebar cards"),
    # -- Jetpack (WordPress.com)
    _r("jetpack.sharing", ".sharedaddy, .sd-sharing, .sd-social, .sd-like, .jetpack-likes-widget-wrapper",
       why="'分享到' share buttons and '赞过' like widgets"),
    _r("jetpack.related", "#jp-relatedposts, .jp-relatedposts", why="'相关' related posts"),
    # -- Drupal
    _r("drupal.meta", ".rdf-meta, .submitted, .field-name-author, .field-name-service-links-displays-group, "
       ".service-links, ul.links.inline",
       why="hidden RDF meta, '在 … 提交' lines, bylines, share links"),
    _r("drupal.related-views", '[class*="view-"][class*="related"], [id^="block-views-"][id*="related"]',
       why="'related articles' views"),
    # -- Medium (and sites that mirror Medium posts)
    _r("medium.tracking", 'img[src*="medium.com/_/stat"]', why="stat pixel"),
    _r("medium.feed-chrome", ".medium-feed-link, .medium-feed-image + .medium-feed-snippet:empty",
       why="'Continue reading on Medium' link"),
    _r("medium.post-meta", ".js-postMetaLockup, .postMetaInline, .js-testPostMetaInlineSupplemental, "
       ".postMetaLockup, .u-paddingBottom3",
       why="author/date/read-time header"),
    # -- Vue page shells (m.allnow-style mobile pages)
    _r("vue.author", ".author-wrap, .avatar-wrap", why="author avatar, name and date"),
    _r("vue.head-image", ".head-img-wrap", "keep-images", why="head image kept, its chrome dropped"),
    # -- publishers' own chrome mirrored into posts
    _r("publisher.collection", "section.collection, ul.collection-list", why="'Related' collections"),
    _r("publisher.pullquote", ".pullquote-share, .pullquote, aside.pull-quote",
       why="pull quotes repeat a paragraph of the text"),
    _r("publisher.cards", ".cboxes.node-article, .related-articles, .related-posts, .yarpp-related",
       why="related-article cards"),
    _r("publisher.logo-nav", ".navigation__primary-inner, .site-branding", why="publisher logo bars"),
)

# Structural rules (functions in structural.py), in the order they run.
STRUCTURAL_RULES: tuple[tuple[str, str], ...] = (
    ("generic.lazy-noscript", "a <noscript> copy of a lazy image: dropped, or used when the image has no source"),
    ("ai2html.artboards", "news charts: the widest artboard kept, the other widths dropped"),
    ("generic.email-protection", "Cloudflare '[email protected]' stubs decoded back to the address"),
    ("generic.comment-threads", "comment threads by their shape: sibling blocks with an author and a date or "
                                "permalink, under a comment heading or at the end"),
    ("generic.tracking-pixels", "1x1 images, spacers and beacons"),
    ("generic.icons", "UI icons (zoom, share, avatar) among content images"),
    ("generic.duplicate-images", "the same image twice in a row (lazy-load copies)"),
    ("generic.comments", "comment sections, unless their essays are most of the article"),
    ("generic.spam-links", "link walls of spam (pills, casinos; link markup typed as text)"),
    ("generic.related-links", "lists whose every item is only a link to the post's own site"),
    ("generic.related-section", "a 'Related' heading at the end followed only by link cards"),
    ("generic.link-dense-edges", "link lists (categories, tags, share links) at the start or end of the body"),
    ("medium.footer-note", "'… was originally published in … on Medium' footers"),
)


def all_rule_names() -> tuple[str, ...]:
    """Every rule name, selector rules first."""
    return tuple(r.name for r in SELECTOR_RULES) + tuple(n for n, _ in STRUCTURAL_RULES)
