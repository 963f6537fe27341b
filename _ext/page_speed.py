"""A phone shows a page sooner: what the theme makes a first visit fetch before the first paint, left out.

Measured with Lighthouse's mobile preset (``make bench``); each change rewrites the written pages at the
end of the build, like ``offline_assets`` (the theme's templates write these tags themselves):

* **No preloading of Font Awesome's web fonts, and a small one for the icons the book draws.** The
  theme preloads all three (solid, regular, brands: 300 KB), at the priority of the page's styles. The
  book draws a few dozen icons, all from the solid font; a browser fetches a font only when some text
  uses it, so without the preloads the regular and brands fonts (143 KB) are never fetched. The solid
  font (156 KB) is replaced, for the icons the pages, the theme's scripts and its styles name, by a
  subset of it (``fa-solid-900-book.woff``, a few KB, made with fontTools), declared after the theme's
  faces with a ``unicode-range``: an icon outside it still comes from the full font, fetched then.
* **The theme's two scripts deferred.** ``bootstrap.js`` and ``pydata-sphinx-theme.js`` (menus, search
  dialog, colour mode) are preloaded and then run before the page is complete; deferred (and not
  preloaded) they run once it is parsed, as the other scripts do (``offline_assets``), in the same order.
  The colour mode is set before the first paint by the theme's inline script in the page's head.
* **No saved ipywidgets state** (up to 67 KB of a page): the static book loads no widget manager to read
  it (``offline_assets``); the live notebooks have their own.
* **Figures load lazily and keep their place.** Each ``<img>`` of a page's content gets
  ``loading="lazy"`` (fetched when the reader scrolls near it, not with the first screen) and its
  ``width`` and ``height`` in pixels, read from the file, so that the text does not move when it
  arrives (``book.css`` keeps its aspect ratio when the column is narrower).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

FONT_PRELOAD = re.compile(r'\s*<link rel="preload" as="font"[^>]*>')
THEME_SCRIPTS = r"_static/scripts/(?:bootstrap|pydata-sphinx-theme)\.js"
SCRIPT_PRELOAD = re.compile(rf'\s*<link rel="preload" as="script" href="[^"]*{THEME_SCRIPTS}[^"]*"\s*/?>')
SCRIPT_TAG = re.compile(rf'<script src="([^"]*{THEME_SCRIPTS}[^"]*)"></script>')
IMAGE = re.compile(r"<img\b[^>]*>")
#: The saved state of a notebook's ipywidgets: the book loads no widget manager (``offline_assets``).
WIDGET_STATE = re.compile(r'\s*<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>', re.S)
SOURCE = re.compile(r'\ssrc="([^"]+)"')


FONTAWESOME_CSS = "css/all.min.css"
SOLID_FONT = "webfonts/fa-solid-900.ttf"
SUBSET_FONT = "webfonts/fa-solid-900-book.woff"
SUBSET_MARKER = "\n/* The solid icons the book draws (_ext/page_speed.py). */\n"
#: Font Awesome's classes and the code point each draws, as its stylesheet writes them.
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]+)"\}')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
#: An icon written into a stylesheet: a private-use character, or its escape.
ICON_CHARACTER = re.compile(r"[\ue000-\uf8ff]|\\([ef][0-9a-f]{3})\b")


def icon_code_points(fontawesome_css: str, texts: list[str], styles: list[str]) -> set[int]:
    r"""The code points of the icons named in ``texts`` (``fa-`` classes) or written in ``styles``.

    >>> css = '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}.fa-sun:before{content:"\\f185"}'
    >>> sorted(map(hex, icon_code_points(css, ['<i class="fa-solid fa-bars">'], ['a:after{content:"\\f107"}'])))
    ['0xf0c9', '0xf107']
    """
    names = {}
    for rule in ICON_RULE.finditer(fontawesome_css):
        for name in ICON_CLASS.findall(rule.group(1)):
            names[name] = int(rule.group(2), 16)
    points = {names[name] for text in texts for name in ICON_CLASS.findall(text) if name in names}
    for style in styles:
        for found in ICON_CHARACTER.finditer(style):
            points.add(int(found.group(1), 16) if found.group(1) else ord(found.group(0)))
    return points


def subset_icons(outdir: Path) -> int:
    """Write the subset of the solid icon font and declare it (see the module docstring); the glyphs kept."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    static = outdir / "_static"
    folders = sorted((static / "vendor" / "fontawesome").glob("*/"))
    if not folders or not (folders[-1] / SOLID_FONT).exists():
        return 0
    folder = folders[-1]
    css_path = folder / FONTAWESOME_CSS
    css = css_path.read_text(encoding="utf-8").split(SUBSET_MARKER)[0]
    own = [path for path in static.rglob("*") if path.suffix in (".js", ".css") and "vendor" not in path.parts]
    texts = [page.read_text(encoding="utf-8") for page in outdir.rglob("*.html")]
    texts += [path.read_text(encoding="utf-8") for path in own if path.suffix == ".js"]
    styles = [path.read_text(encoding="utf-8") for path in own if path.suffix == ".css"]
    font = TTFont(folder / SOLID_FONT)
    kept = sorted(icon_code_points(css, texts, styles) & set(font.getBestCmap()))
    if not kept:
        return 0
    subsetter = subset.Subsetter(subset.Options(flavor="woff"))
    subsetter.populate(unicodes=kept)
    subsetter.subset(font)
    font.flavor = "woff"
    font.save(folder / SUBSET_FONT)
    ranges = ",".join(f"U+{point:X}" for point in kept)
    faces = "".join(
        f'@font-face{{font-display:block;font-family:"{family}";font-style:normal;font-weight:900;'
        f'src:url(../{SUBSET_FONT}) format("woff");unicode-range:{ranges}}}'
        for family in ("Font Awesome 6 Free", "Font Awesome 5 Free")
    )
    css_path.write_text(css + SUBSET_MARKER + faces + "\n", encoding="utf-8")
    return len(kept)


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height in pixels of the image file ``path``, or None when it cannot be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError):
        return None


def lazy_image(tag: str, page: Path) -> str:
    """The ``<img>`` tag ``tag`` of the page file ``page``, lazily loaded and with its size in pixels.

    >>> lazy_image('<img alt="A" src="missing.png" />', Path("book/page.html"))
    '<img loading="lazy" decoding="async" alt="A" src="missing.png" />'
    >>> lazy_image('<img loading="eager" src="x.png" />', Path("page.html"))
    '<img loading="eager" src="x.png" />'
    """
    if "loading=" in tag:
        return tag
    attributes = ' loading="lazy" decoding="async"'
    source = SOURCE.search(tag)
    if source and not re.search(r"\s(width|height)=|\sstyle=", tag) and "://" not in source.group(1):
        size = image_size(page.parent / source.group(1))
        if size:
            attributes += f' width="{size[0]}" height="{size[1]}"'
    return "<img" + attributes + tag[len("<img") :]


def faster_page(text: str, page: Path) -> str:
    """The HTML ``text`` of the written page ``page`` with the changes of the module docstring."""
    text = WIDGET_STATE.sub("", text)
    text = FONT_PRELOAD.sub("", text)
    text = SCRIPT_PRELOAD.sub("", text)
    text = SCRIPT_TAG.sub(r'<script defer="defer" src="\1"></script>', text)
    main = re.search(r"<main\b.*?</main>", text, re.S)
    if main:
        content = IMAGE.sub(lambda tag: lazy_image(tag.group(0), page), main.group(0))
        text = text[: main.start()] + content + text[main.end() :]
    return text


def _rewrite_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        if page.relative_to(app.outdir).parts[0] in ("_static", "_sources"):
            continue
        text = page.read_text(encoding="utf-8")
        faster = faster_page(text, page)
        if faster != text:
            page.write_text(faster, encoding="utf-8")
    subset_icons(Path(app.outdir))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", _rewrite_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
