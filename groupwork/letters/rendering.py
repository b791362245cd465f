"""Letters as PDF: a Django template rendered to HTML, then laid out on A4 by WeasyPrint.

Every letter extends `letters/base_letter.html` (letterhead, the man's address, the date,
the body, the sign-off) and gets its shared context from `letter_context`.

Nothing in a letter comes from the network. The fetcher below serves `data:` URIs and files
inside this app (relative URLs resolve against it), and stops the rendering for anything
else, so a template that asks for a remote stylesheet, image or font fails in its tests
instead of reaching out when a letter is printed. Fonts are the system's (fontconfig).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from django.template.loader import render_to_string
from weasyprint.urls import FatalURLFetchingError

from groupwork.letters.formatting import address_lines, letter_date
from groupwork.organisation.models import Area, Office

LETTERS_DIR = Path(__file__).resolve().parent
BASE_URL = LETTERS_DIR.as_uri() + "/"
LOCAL_SCHEMES = ("data", "file")


class LetterResourceError(Exception):
    """A letter asked for something from outside this app (the network, another folder)."""


class LocalOnlyFetcher(weasyprint.URLFetcher):  # type: ignore[misc]  # weasyprint is untyped
    """WeasyPrint's fetcher limited to `data:` URIs and files under this app's folder.

    `fail_on_errors` turns every refusal into an error that stops the rendering.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=LOCAL_SCHEMES, fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if url.lower().startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(LETTERS_DIR):
                raise LetterResourceError(f"{url}: letters may only use files in {LETTERS_DIR}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class RenderedLetter:
    html: str
    pdf: bytes
    pages: int


def render_letter_html(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> RenderedLetter:
    """Lay out a letter's HTML and write a tagged PDF (screen readers can follow it)."""
    try:
        document = weasyprint.HTML(
            string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher(), media_type="print"
        ).render(pdf_tags=True)
        pdf: bytes = document.write_pdf(pdf_tags=True)
    except FatalURLFetchingError as error:
        raise LetterResourceError(str(error)) from error
    return RenderedLetter(html=html, pdf=pdf, pages=len(document.pages))


def render_letter(template_name: str, context: dict[str, Any]) -> RenderedLetter:
    """The letter's HTML, its PDF and its number of pages, from one rendering."""
    return html_to_pdf(render_letter_html(template_name, context))


def render_letter_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return render_letter(template_name, context).pdf


def letter_context(
    *,
    area: Area,
    office: Office,
    recipient_name: str,
    recipient_address: str,
    today: datetime.date,
    title: str,
    signatory: str = "The Programmes Team",
) -> dict[str, Any]:
    """What `letters/base_letter.html` shows: who sends it, to whom, when, and its title."""
    return {
        "title": title,
        "area_name": area.name,
        "sender": {
            "name": office.name,
            "address_lines": address_lines(office.address) or [office.town],
            "phone": office.phone,
        },
        "recipient": {"name": recipient_name, "address_lines": address_lines(recipient_address)},
        "date": letter_date(today),
        "signatory": signatory,
    }
