"""Exporting in Debian's Chromium: downloads from the export page, and a report printed to PDF."""

import csv
import io
import json
import re
import zlib
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from newsroom.accounts.models import Group, Membership
from tests.base import annotate, make_article, make_outlet, make_story
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "\n\n".join(
    f"Sentence number {number} says what the outlet thinks of the cloud contract." for number in range(1, 41)
)


@pytest.fixture
def story(alice, bob):
    """Two outlets' articles, annotated by alice and bob; bob's private note and his group's are
    not alice's to export."""
    story = make_story("Cloud contract")
    planet = make_article(story=story, outlet=make_outlet("Daily Planet"), body=BODY)
    gazette = make_article(story=story, outlet=make_outlet("Gazette"), body=BODY)
    annotate(planet, alice, "Sentence number 1 says", tags=["labour"], note='Élan, "quoted";\nand 🙂')
    annotate(gazette, bob, "Sentence number 2 says", tags=["labour"], note='=HYPERLINK("http://x")')
    annotate(planet, bob, "Sentence number 3 says", tags=["labour"], visibility="private")
    theirs = Group.objects.create(name="Theirs", slug="theirs")
    Membership.objects.create(group=theirs, user=bob)
    annotate(gazette, bob, "Sentence number 4 says", tags=["labour"], visibility="group", group=theirs)
    annotate(make_article(body=BODY), alice, "Sentence number 5 says", tags=["elsewhere"])
    return story


def downloaded(page, button: str):
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    return download.value


def test_it_downloads_what_the_form_chooses_as_csv_and_json_ld(page, alice, story):
    log_in(page, next_url=reverse("export"))
    page.get_by_label("Story").select_option(label="Cloud contract")
    page.get_by_label("Tag").fill("LABOUR")

    csv_file = downloaded(page, "Download CSV")
    assert re.fullmatch(r"newsroom-annotations-[\d-]+\.csv", csv_file.suggested_filename)
    content = Path(csv_file.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert [(row["quote"], row["outlet"]) for row in rows] == [
        ("Sentence number 1 says", "Daily Planet"),
        ("Sentence number 2 says", "Gazette"),
    ]
    assert rows[0]["note"] == 'Élan, "quoted";\nand 🙂'
    assert rows[1]["note"] == '\'=HYPERLINK("http://x")'

    json_file = downloaded(page, "Download JSON-LD")
    assert json_file.suggested_filename.endswith(".jsonld")
    collection = json.loads(Path(json_file.path()).read_text())
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 2
    assert [item["target"]["selector"][1]["exact"] for item in collection["first"]["items"]] == [
        "Sentence number 1 says",
        "Sentence number 2 says",
    ]


def test_the_export_page_fits_a_phone(page, story):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(reverse("export"))
    expect(page.get_by_role("button", name="Download CSV")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# A reader of the PDFs Chromium (Skia) writes: enough to find their text, not a general PDF parser.
PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*<<((?:(?!endobj).)*?)>>\s*(stream\r?\n|endobj)", re.S)


def pdf_objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Each object's dictionary and its stream, inflated."""
    objects = {}
    for match in PDF_OBJECT.finditer(pdf):
        dictionary, stream = match[2], b""
        if match[3].startswith(b"stream"):
            length = int(re.search(rb"/Length (\d+)", dictionary)[1])
            stream = pdf[match.end() : match.end() + length]
            stream = zlib.decompress(stream) if b"/FlateDecode" in dictionary else stream
        objects[int(match[1])] = (dictionary, stream)
    return objects


def to_unicode(cmap: bytes) -> dict[int, str]:
    """A font's glyph codes and the text they stand for, from its ToUnicode CMap."""
    text = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, chars in re.findall(rb"<(\w+)>\s*<(\w+)>", block):
            text[int(code, 16)] = bytes.fromhex(chars.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in re.findall(rb"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                text[int(low, 16) + offset] = chr(int(first, 16) + offset)
    return text


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, in the order it is drawn."""
    objects = pdf_objects(pdf)
    pages = []
    for dictionary, _ in objects.values():
        if not re.search(rb"/Type /Page\b", dictionary):
            continue
        fonts = {}
        for name, number in re.findall(
            rb"/(\w+) (\d+) 0 R", re.search(rb"/Font <<(.*?)>>", dictionary, re.S)[1]
        ):
            cmap = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)][0])[1]
            fonts[name] = to_unicode(objects[int(cmap)][1])
        content = objects[int(re.search(rb"/Contents (\d+) 0 R", dictionary)[1])][1]
        text, font = [], {}
        for name, codes in re.findall(rb"/(\w+) [\d.]+ Tf|<([0-9A-Fa-f]*)>", content):
            if name:
                font = fonts[name]
                continue
            glyphs = bytes.fromhex(codes.decode())
            text += [font.get(int.from_bytes(glyphs[i : i + 2]), "") for i in range(0, len(glyphs), 2)]
        pages.append("".join(text))
    return pages


def squeezed(text: str) -> str:
    """Without white space, which a PDF draws by moving, not always by a glyph."""
    return "".join(text.split())


def test_the_report_of_a_tag_prints_to_pdf_with_its_passages(page, alice, story):
    planet = story.articles.get(outlet__name="Daily Planet")
    for number in range(6, 41):  # enough to fill several pages
        annotate(planet, alice, f"Sentence number {number} says", tags=["labour"], note=f"Note {number}.")
    log_in(page, next_url=reverse("export"))
    page.get_by_label("Tag").fill("labour")
    page.get_by_role("button", name="Report").click()
    expect(page.get_by_role("heading", name="Passages tagged “labour”")).to_be_visible()
    expect(page.get_by_role("heading", name="Daily Planet")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Export")).to_be_hidden()
    expect(page.get_by_text("Save as PDF")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_text("Sentence number 40 says", exact=True)).to_be_visible()

    pdf = page.pdf()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    printed = squeezed("".join(pages))
    for number in [1, 2, *range(6, 41)]:
        assert squeezed(f"Sentence number {number} says") in printed
    for number in [3, 4, 5]:  # bob's private note, bob's group's, another tag's
        assert squeezed(f"Sentence number {number} says") not in printed
    assert squeezed("Note 40.") in squeezed(pages[-1])
    assert squeezed('Élan, "quoted";') in printed
    assert printed.index("DailyPlanet") < printed.index("Gazette")
    assert "SaveasPDF" not in printed
