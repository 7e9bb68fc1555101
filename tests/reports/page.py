"""A small reader of the HTML report for tests, on the standard library's html.parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Row:
    """One table row: its attributes, each cell's text, and the links in it."""

    attrs: dict[str, str]
    cells: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@dataclass
class Table:
    """One table: its attributes, header cells and body rows."""

    attrs: dict[str, str]
    headers: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


class Page(HTMLParser):
    """Everything the tests check: language, tables, links, images, tags used, sections."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.tables: list[Table] = []
        self.images: list[dict[str, str]] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.metas: list[dict[str, str]] = []
        self.section_ids: list[str] = []
        self.text_parts: list[str] = []
        self._row: Row | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        """The visible text, whitespace collapsed."""
        return " ".join(" ".join(self.text_parts).split())

    def table(self, css_class: str, **data: str) -> Table:
        """The one table with this class and these data- attributes."""
        found = [
            t
            for t in self.tables
            if css_class in t.attrs.get("class", "").split()
            and all(t.attrs.get(f"data-{k}") == v for k, v in data.items())
        ]
        assert len(found) == 1, f"{len(found)} tables of class {css_class} {data}"
        return found[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "html":
            self.lang = values.get("lang", "")
        elif tag == "meta":
            self.metas.append(values)
        elif tag == "section" and "id" in values:
            self.section_ids.append(values["id"])
        elif tag == "table":
            self.tables.append(Table(values))
        elif tag == "tr" and self.tables:
            self._row = Row(values)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("br", "li") and self._cell is not None:
            self._cell.append("\n")
        elif tag == "a":
            self.links.append(values.get("href", ""))
            if self._row is not None:
                self._row.links.append(values.get("href", ""))
        elif tag == "img":
            self.images.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            text = "\n".join(" ".join(p.split()) for p in "".join(self._cell).split("\n"))
            self._row.cells.append(text.strip("\n"))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._row.cells and not table.headers and not self._row.attrs:
                table.headers = self._row.cells
            else:
                table.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self.lasttag not in ("style", "title"):
            self.text_parts.append(data)
