"""Helpers the letter tests share: the text of a letter's HTML and of its laid-out pages."""

from __future__ import annotations

import re
import zlib
from html.parser import HTMLParser
from typing import Any

import weasyprint

from groupwork.letters.rendering import BASE_URL, LocalOnlyFetcher

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’:-]*")


class _BodyText(HTMLParser):
    """The paragraphs, list items and headings of `<main class="letter-body">`, addresses
    left out (an address is not a sentence), and all the text of the page's body."""

    def __init__(self) -> None:
        super().__init__()
        self.units: list[str] = []
        self.all_text: list[str] = []
        self._in_body = 0
        self._in_address = 0
        self._unit: list[str] | None = None
        self._in_head = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._in_head += 1
        elif tag == "br":
            self.handle_data(" ")
        elif tag == "main" and ("class", "letter-body") in attrs:
            self._in_body += 1
        elif tag == "address":
            self._in_address += 1
        elif tag in {"p", "li", "h1", "h2"} and self._in_body and not self._in_address:
            self._unit = []

    def handle_endtag(self, tag: str) -> None:
        self.all_text.append(" ")  # the end of an element ends a word
        if tag == "head":
            self._in_head -= 1
        elif tag == "main" and self._in_body:
            self._in_body -= 1
        elif tag == "address":
            self._in_address -= 1
        elif tag in {"p", "li", "h1", "h2"} and self._unit is not None:
            text = " ".join("".join(self._unit).split())
            if text:
                self.units.append(text)
            self._unit = None

    def handle_data(self, data: str) -> None:
        if self._in_head:
            return
        self.all_text.append(data)
        if self._unit is not None:
            self._unit.append(data)


def body_units(html: str) -> list[str]:
    """The letter body's paragraphs, list items and headings, each as one line of text."""
    parser = _BodyText()
    parser.feed(html)
    return parser.units


def page_text(html: str) -> str:
    """All the text of the HTML, with runs of white space made single spaces."""
    parser = _BodyText()
    parser.feed(html)
    return " ".join("".join(parser.all_text).split())


def sentences(units: list[str]) -> list[str]:
    """Each paragraph split at full stops; a heading or list item is one sentence."""
    return [part for unit in units for part in SENTENCE_END.split(unit) if part]


def words(text: str) -> list[str]:
    return WORD.findall(text)


def laid_out_boxes(html: str) -> list[Any]:
    """The text boxes WeasyPrint lays out on the pages, which is the text the PDF draws.
    Reads WeasyPrint's page boxes (`_page_box`): there is no public way to the layout."""
    document = weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher()
    ).render()
    boxes = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if hasattr(box, "text") and box.text.strip():
                boxes.append(box)
    return boxes


def laid_out_text(html: str) -> str:
    return " ".join(" ".join(box.text for box in laid_out_boxes(html)).split())


STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def pdf_structure(pdf: bytes) -> bytes:
    """The PDF's objects, with its compressed streams (object streams among them) inflated:
    enough to read page sizes and the page count without a PDF library."""
    parts = [pdf]
    for match in STREAM.finditer(pdf):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:  # a stream that is not Flate-compressed stays as it is
            continue
    return b"\n".join(parts)


VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """A rough count, good enough to tell short words from long ones: vowel groups, less a
    silent final e (make, note), at least one."""
    word = word.lower().strip("'’")
    count = len(VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def reading_grade(sentence_list: list[str]) -> float:
    """Flesch-Kincaid grade level: US school grade; add about five for a reading age.
    Numbers (dates, times) are left out: they are read, not sounded out."""
    counted = [[w for w in words(s) if w.isalpha() or "'" in w] for s in sentence_list]
    counted = [sentence for sentence in counted if sentence]
    word_count = sum(len(sentence) for sentence in counted)
    syllable_count = sum(syllables(w) for sentence in counted for w in sentence)
    return 0.39 * word_count / len(counted) + 11.8 * syllable_count / word_count - 15.59
