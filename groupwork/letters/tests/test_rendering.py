"""The letter renderer: A4 PDF from a template, and nothing fetched from outside the app."""

from __future__ import annotations

import datetime
import socket
from typing import Any

import pytest

from groupwork.letters.rendering import (
    LetterResourceError,
    html_to_pdf,
    letter_context,
    render_letter,
    render_letter_pdf,
)
from groupwork.letters.tests.textcheck import page_text
from groupwork.organisation.tests.factories import AreaFactory, OfficeFactory

# A one-pixel PNG.
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _html(head: str = "", body: str = "<p>Hello.</p>") -> str:
    return f"<!DOCTYPE html><html lang='en-GB'><head>{head}</head><body>{body}</body></html>"


@pytest.fixture
def sockets_refused(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> Any:
        attempts.append(args)
        raise OSError("no network in letter tests")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_plain_html_becomes_a_one_page_pdf() -> None:
    letter = html_to_pdf(_html())

    assert letter.pdf.startswith(b"%PDF")
    assert letter.pages == 1


def test_a_data_uri_image_is_allowed(sockets_refused: list[object]) -> None:
    letter = html_to_pdf(_html(body=f"<img src='{PIXEL}' alt='A dot'>"))

    assert letter.pdf.startswith(b"%PDF")
    assert sockets_refused == []


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("", "<img src='https://example.invalid/logo.png' alt=''>"),
        ("<link rel='stylesheet' href='http://example.invalid/letter.css'>", "<p>Hi.</p>"),
        ("<style>@import url('https://example.invalid/a.css');</style>", "<p>Hi.</p>"),
        (
            "<style>@font-face { font-family: Remote; "
            "src: url('https://example.invalid/remote.woff2'); }"
            " p { font-family: Remote; }</style>",
            "<p>Hi.</p>",
        ),
        ("", "<img src='//example.invalid/protocol-relative.png' alt=''>"),
        ("", "<img src='file:///etc/hostname' alt=''>"),
        ("", "<img src='../../../../../../etc/hostname' alt=''>"),
    ],
)
def test_anything_outside_the_app_stops_the_letter_without_a_request(
    head: str, body: str, sockets_refused: list[object]
) -> None:
    with pytest.raises(LetterResourceError):
        html_to_pdf(_html(head, body))

    assert sockets_refused == []


@pytest.mark.django_db
def test_the_base_letter_has_letterhead_address_date_and_sign_off() -> None:
    area = AreaFactory.create(name="Example Area", slug="example-area-2")
    office = OfficeFactory.create(
        area=area, name="Example Office", address="3 Sample Row\nTesttown TT3 3TT", phone="0100"
    )
    context = letter_context(
        area=area,
        office=office,
        recipient_name="Test Man",
        recipient_address="1 Any Road\n\nTesttown\n",
        today=datetime.date(2026, 1, 2),
        title="A test letter",
    )

    letter = render_letter("letters/base_letter.html", context)
    text = page_text(letter.html)

    assert render_letter_pdf("letters/base_letter.html", context).startswith(b"%PDF")
    assert "<title>A test letter</title>" in letter.html
    assert "Example Area Example Office 3 Sample Row Testtown TT3 3TT Phone: 0100" in text
    assert "Test Man 1 Any Road Testtown 2 January 2026 Dear Test Man," in text
    assert "Yours sincerely, The Programmes Team Example Office" in text
    assert letter.pages == 1
