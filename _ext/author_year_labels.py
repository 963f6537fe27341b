"""Bibliography labels that read like the citations in the text: "Ignatiadis et al., 2025".

The chapters cite author–year, but sphinxcontrib-bibtex labels the entries of the bibliography with the
formatting style's labels, by default pybtex's ``alpha`` ones ("[IBM+25]"), which a reader cannot match
with the text. This extension registers one style under the name ``author_year_short_title`` twice,
selected in ``_config.yml``:

* as ``bibtex_default_style`` (a pybtex formatting style): pybtex's ``alpha`` (the same entries) with
  each entry's label its citation as the text prints it (:func:`citation_text`), and the entries in
  the alphabetical order of those labels, where a reader looks a citation up;
* as ``bibtex_reference_style`` (how the text cites): sphinxcontrib-bibtex's ``author_year``, with one
  change, an entry without author or editor (a registry record, a news item) is cited by its
  ``shorttitle`` when it has one, instead of a title of forty words.

Both build the name part with the same template (:class:`ShortTitlePersonStyle`): first author
"et al." from three authors on, then the year ("n.d." without one), so that the label of every entry
is exactly the text of its citations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pybtex.plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field as entry_field
from pybtex.style.template import first_of, node, optional, tag
from sphinx.application import Sphinx
from sphinxcontrib.bibtex import plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, names, year

STYLE = "author_year_short_title"


@node
def author_or_editor_or_short_title(children: list[Any], data: dict[str, Any], **kwargs: Any) -> Any:
    """The authors, else the editors, else the short title (or the title) in italics."""
    assert not children
    return first_of[
        optional[names("author", **kwargs)],
        optional[names("editor", **kwargs)],
        tag("em")[first_of[optional[entry_field("shorttitle")], entry_field("title")]],
    ].format_data(data)


@dataclass
class ShortTitlePersonStyle(PersonStyle):
    """sphinxcontrib-bibtex's names ("Royston and Parmar", "Ignatiadis et al."), and short titles."""

    def author_or_editor_or_title(self, full: bool) -> Any:
        return author_or_editor_or_short_title(
            sep=self.sep, sep2=self.sep2, last_sep=self.last_sep, other=None if full else self.other
        )


@dataclass
class AuthorYearShortTitleReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's ``author_year`` citations with :class:`ShortTitlePersonStyle`."""

    person: PersonStyle = field(default_factory=ShortTitlePersonStyle)


class _Referencing:
    """What the citation templates read from their style: how names are written."""

    person = ShortTitlePersonStyle()


def citation_text(entry: Any) -> str:
    """The entry as the text cites it (``{cite:p}``), without brackets.

    >>> from pybtex.database import Entry, Person
    >>> def article(*authors, **fields):
    ...     entry = Entry("article", fields={"title": "A title", **fields})
    ...     entry.persons["author"] = [Person(name) for name in authors]
    ...     return entry
    >>> citation_text(article("Michail Ignatiadis", "Andrew Bailey", "Heather McArthur", year="2025"))
    'Ignatiadis et al., 2025'
    >>> citation_text(article("Patrick Royston", "Mahesh K. B. Parmar", year="2013"))
    'Royston and Parmar, 2013'
    >>> citation_text(Entry("misc", fields={"title": "A registry page"}))
    'A registry page, n.d.'
    >>> citation_text(Entry("misc", fields={"title": "A very long title", "shorttitle": "Short", "year": "2021"}))
    'Short, 2021'
    """
    template = join(sep=", ")[_Referencing.person.author_or_editor_or_title(full=False), year]
    return str(template.format_data({"entry": entry, "style": _Referencing}).render_as("text"))


class AuthorYearLabels(BaseLabelStyle):
    """Labels that are the entries' citations (see :func:`citation_text`)."""

    def format_labels(self, sorted_entries: Iterable[Any]) -> Iterator[str]:
        for entry in sorted_entries:
            yield citation_text(entry)


class CitationOrder(BaseSortingStyle):
    """Entries in the alphabetical order of their citations (Altman, 1998 before Guyot et al., 2012)."""

    def sorting_key(self, entry: Any) -> str:
        return citation_text(entry).casefold()


class AuthorYearStyle(AlphaStyle):
    """pybtex's ``alpha`` style with the labels of :class:`AuthorYearLabels`, in their order."""

    default_label_style = AuthorYearLabels
    default_sorting_style = CitationOrder


def setup(app: Sphinx) -> dict[str, Any]:
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)
    plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE, AuthorYearShortTitleReferenceStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
