"""Annotating in Debian's Chromium: selecting with mouse and keyboard, overlaps, delete, hostile notes."""

import re
from io import StringIO
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Annotation, Story
from newsroom.accounts.models import Group, Membership, Role
from tests.base import FIXTURES, annotate, make_article, make_outlet, make_story
from tests.browser import drag_across, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Microsoft employees protested against a cloud contract with the army.\n\n"
    "The letter said the contract must end before the summer. Nadella answered in a memo.\n\n"
    "Analysts doubted that the protest would change anything."
)
LONG_BODY = "\n\n".join(f"Paragraph {number} of a long article. " * 12 for number in range(60))

# Every payload below sets window.__xss if it runs.
XSS_FLAG = "typeof window.__xss"
INJECTED = "main img, main script, main svg"  # the page itself has none of these


def highlight(page, annotation_id, scope="body"):
    return page.locator(f'{scope} .js-highlight[data-annotations~="{annotation_id}"]')


def highlighted_text(page, annotation_id, scope="body"):
    """The text of every mark that is part of one annotation, in page order."""
    return "".join(highlight(page, annotation_id, scope).all_text_contents())


def sidebar(page):
    return page.get_by_role("complementary", name="Annotations")


def tags_input(page):
    return page.get_by_role("combobox", name="Tags")


def note_input(page):
    return page.get_by_role("textbox", name="Note")


def tab_to_article_text(page):
    """Press Tab until the article text has the focus, as a keyboard user does."""
    for _ in range(20):
        if page.evaluate("document.activeElement.matches('[aria-label=\"Article text\"]')"):
            break
        page.keyboard.press("Tab")
    body = page.get_by_label("Article text")
    expect(body).to_be_focused()
    return body


def annotation_form(page):
    return page.get_by_role("form", name="Annotate the selected passage")


def test_it_annotates_a_passage_selected_with_the_mouse(page, alice):
    article = make_article(body=BODY)
    phrase = "the contract must end"
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, next_url=article.get_absolute_url())
    page.evaluate("window.__notReloaded = true")

    drag_across(page, ".js-annotatable", phrase)
    expect(tags_input(page)).to_be_focused()
    expect(annotation_form(page)).to_contain_text(phrase)
    page.keyboard.type("quote, framing")
    note_input(page).fill("Who decides **this**?")
    note_input(page).press("Control+Enter")

    expect(annotation_form(page)).to_be_hidden()
    expect(page.locator("mark.js-highlight")).to_have_count(1)
    assert page.evaluate("window.__notReloaded") is True
    annotation = Annotation.objects.get()
    assert highlighted_text(page, annotation.pk) == phrase

    page.reload()
    expect(highlight(page, annotation.pk)).to_have_count(1)
    assert highlighted_text(page, annotation.pk) == phrase
    assert (annotation.author, annotation.exact, annotation.start) == (alice, phrase, BODY.index(phrase))
    assert sorted(annotation.tags.names()) == ["framing", "quote"]
    assert annotation.note == "Who decides **this**?"
    entry = sidebar(page).locator(f"#annotation-{annotation.pk}")
    expect(entry.locator(".note strong")).to_have_text("this")
    expect(entry.get_by_role("link", name=phrase)).to_be_visible()


def test_it_annotates_a_passage_in_the_second_column(page, alice):
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body="Intro.\n\n" + BODY)
    phrase = "Nadella answered in a memo"  # in both columns: only the second one's may light up
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, next_url=reverse("articles:compare", args=[story.slug]) + f"?a={first.pk}&a={second.pk}")

    drag_across(page, f"#column-{second.pk} .js-annotatable", phrase)
    expect(tags_input(page)).to_be_focused()
    page.keyboard.type("quote")
    note_input(page).press("Control+Enter")
    expect(page.locator(f"#column-{second.pk} mark.js-highlight")).to_have_count(1)

    annotation = Annotation.objects.get()
    assert (annotation.article, annotation.exact) == (second, phrase)
    assert annotation.start == second.body.index(phrase)
    page.reload()
    expect(highlight(page, annotation.pk, f"#column-{second.pk}")).to_have_count(1)
    assert highlighted_text(page, annotation.pk, f"#column-{second.pk}") == phrase
    expect(page.locator(f"#column-{first.pk} mark.js-highlight")).to_have_count(0)


def test_it_refreshes_only_the_annotated_column_from_its_fragments(page, live_server, alice):
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body=BODY)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, next_url=reverse("articles:compare", args=[story.slug]) + f"?a={first.pk}&a={second.pk}")
    column = f"#column-{second.pk}"
    fragments_url = page.locator(f"{column} .js-article-body-slot").get_attribute("data-fragments-url")
    # Mark what the slots hold now, to tell the ones filled afresh from the ones left alone.
    page.eval_on_selector_all(
        ".js-article-body-slot > *, .js-annotation-slot > *",
        "all => all.forEach((e) => { e.dataset.old = 1; })",
    )
    fetched = []
    page.on("request", lambda request: request.resource_type == "fetch" and fetched.append(request))

    drag_across(page, f"{column} .js-annotatable", "Nadella answered")
    note_input(page).press("Control+Enter")

    expect(page.locator(f"{column} mark.js-highlight")).to_have_count(1)
    assert [(request.method, request.url) for request in fetched] == [
        ("POST", live_server.url + reverse("api:annotation_create", args=[second.pk])),
        ("GET", urljoin(live_server.url, fragments_url)),  # not the whole page
    ]
    assert fetched[1].headers["accept"] == "application/json"
    expect(page.locator(f"{column} .annotation-list")).to_contain_text("Nadella answered")
    expect(page.locator(f"{column} [data-old]")).to_have_count(0)
    expect(page.locator(f"#column-{first.pk} [data-old]")).to_have_count(2)  # its text and list


def test_it_keeps_the_tag_filter_when_it_shows_a_saved_annotation(page, alice):
    article = make_article(body=BODY)
    annotate(article, alice, "Microsoft employees", tags=["claim"])
    annotate(article, alice, "Analysts doubted", tags=["quote"])
    log_in(page, next_url=f"{article.get_absolute_url()}?tag=quote")
    expect(page.locator("mark.js-highlight")).to_have_text(["Analysts doubted"])

    drag_across(page, ".js-annotatable", "Nadella answered")
    tags_input(page).fill("quote")
    note_input(page).press("Control+Enter")

    expect(page.locator("mark.js-highlight")).to_have_text(["Nadella answered", "Analysts doubted"])


def test_it_refuses_a_selection_across_two_columns(page, alice):
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body="Other words.\n\n" + BODY)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, next_url=reverse("articles:compare", args=[story.slug]) + f"?a={first.pk}&a={second.pk}")

    start = page.locator(f"#column-{first.pk} .js-annotatable p").first.bounding_box()
    end = page.locator(f"#column-{second.pk} .js-annotatable p").first.bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=10)
    page.mouse.up()

    expect(page.get_by_text("A passage must lie within one article's text.")).to_be_visible()
    expect(annotation_form(page)).to_be_hidden()
    assert Annotation.objects.count() == 0


def test_it_shows_every_note_on_overlapping_highlights(page, alice):
    article = make_article(body="Alpha bravo charlie delta echo foxtrot golf hotel.")
    outer = annotate(article, alice, "bravo charlie delta echo", note="Outer note")
    inner = annotate(article, alice, "charlie delta", note="Inner note")
    crossing = annotate(article, alice, "delta echo foxtrot", note="Crossing note")

    page.goto(article.get_absolute_url())

    deepest = page.locator('mark.js-highlight[data-depth="3"]')
    expect(deepest).to_have_count(1)
    expect(deepest).to_have_text("delta")
    ids = deepest.get_attribute("data-annotations").split()
    assert sorted(ids) == sorted(str(a.pk) for a in (outer, inner, crossing))
    assert highlighted_text(page, outer.pk) == "bravo charlie delta echo"
    assert highlighted_text(page, inner.pk) == "charlie delta"
    assert highlighted_text(page, crossing.pk) == "delta echo foxtrot"

    deepest.click()
    popover = page.get_by_role("region", name="Annotations on this passage")
    expect(popover).to_be_visible()
    expect(popover.locator(".note")).to_have_text(["Outer note", "Inner note", "Crossing note"])


def test_it_annotates_with_the_keyboard_only(page, alice):
    article = make_article(body=BODY)
    log_in(page, next_url=article.get_absolute_url())
    body = tab_to_article_text(page)

    length = len("Microsoft employees")
    for _ in range(length):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(tags_input(page)).to_be_focused()
    page.keyboard.type("keyboard")
    page.keyboard.press("Tab")
    expect(note_input(page)).to_be_focused()
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Control+Enter")

    expect(page.locator("mark.js-highlight")).to_have_count(1)
    annotation = Annotation.objects.get()
    first_paragraph = BODY.split("\n\n")[0]
    assert (annotation.start, annotation.exact) == (0, first_paragraph[:length])
    assert highlighted_text(page, annotation.pk) == first_paragraph[:length]
    assert list(annotation.tags.names()) == ["keyboard"]

    # A second passage, then Escape: nothing is saved and the focus goes back to the text.
    for _ in range(5):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(tags_input(page)).to_be_focused()
    page.keyboard.type("discarded")
    page.keyboard.press("Escape")
    expect(annotation_form(page)).to_be_hidden()
    expect(body).to_be_focused()
    assert Annotation.objects.count() == 1


def test_the_form_shows_in_the_window_for_a_selection_scrolled_out_of_it(page, alice):
    article = make_article(body=BODY + "\n\n" + "\n\n".join(["A later paragraph of the report."] * 80))
    log_in(page, next_url=article.get_absolute_url())
    tab_to_article_text(page)
    page.evaluate("scrollBy(0, 3000)")  # the caret stays at the top, now above the window

    for _ in range(10):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")

    expect(tags_input(page)).to_be_focused()
    box = annotation_form(page).bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"], box


def test_it_lets_the_keyboard_reach_the_text_after_the_side_by_side_view(page, alice):
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body="Intro.\n\n" + BODY)
    log_in(page, next_url=reverse("articles:compare", args=[story.slug]) + f"?a={first.pk}&a={second.pk}")
    expect(page.locator(f"#column-{first.pk} .js-annotatable")).to_be_visible()

    page.goto(first.get_absolute_url())
    tab_to_article_text(page)
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(tags_input(page)).to_be_focused()


def test_it_deletes_an_annotation_and_undoes_it(page, alice):
    article = make_article(body=BODY)
    annotation = annotate(article, alice, "Nadella answered", note="Answer")
    log_in(page, next_url=article.get_absolute_url())
    expect(highlight(page, annotation.pk)).to_have_count(1)

    sidebar(page).get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete this annotation?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()

    expect(page.get_by_text("Annotation deleted.")).to_be_visible()
    assert article.get_absolute_url() in page.url
    expect(page.locator("mark.js-highlight")).to_have_count(0)
    annotation.refresh_from_db()
    assert annotation.deleted_at is not None

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("The annotation is back.")).to_be_visible()
    expect(highlight(page, annotation.pk)).to_have_count(1)
    assert highlighted_text(page, annotation.pk) == "Nadella answered"
    annotation.refresh_from_db()
    assert annotation.deleted_at is None


def test_it_shows_hostile_notes_and_tags_as_text(page, alice):
    article = make_article(body=BODY)
    payloads = [
        '<img src=x onerror="window.__xss=1">',
        "<script>window.__xss=1</script>",
        "[x](javascript:window.__xss=1)",
    ]
    hostile_tag = "<svg onload=window.__xss=1>"
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, next_url=article.get_absolute_url())

    drag_across(page, ".js-annotatable", "Nadella answered")
    expect(tags_input(page)).to_be_focused()
    tags_input(page).fill(f"{hostile_tag}, quote")
    note_input(page).fill("\n\n".join(payloads))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("mark.js-highlight")).to_have_count(1)
    # An <img> put in by the fragments would fire onerror later: check that there is none.
    assert page.locator(INJECTED).count() == 0
    assert page.evaluate(XSS_FLAG) == "undefined"

    annotation = Annotation.objects.get()
    assert sorted(annotation.tags.names()) == [hostile_tag, "quote"]
    page.reload()
    note = sidebar(page).locator(".note")
    for payload in payloads:
        expect(note).to_contain_text(payload)
    expect(note.get_by_role("link")).to_have_count(0)  # no javascript: link to click
    highlight(page, annotation.pk).click()
    popover = page.get_by_role("region", name="Annotations on this passage")
    expect(popover).to_contain_text(payloads[0])
    expect(popover.get_by_role("link", name=hostile_tag)).to_be_visible()
    assert page.locator(INJECTED).count() == 0
    assert page.evaluate(XSS_FLAG) == "undefined"

    sidebar(page).get_by_role("link", name=hostile_tag, exact=True).click()
    expect(page.get_by_role("heading", name=f"Passages tagged “{hostile_tag}”")).to_be_visible()
    for payload in payloads:
        expect(page.locator(".note")).to_contain_text(payload)
    assert page.locator(INJECTED).count() == 0
    assert page.evaluate(XSS_FLAG) == "undefined"
    assert dialogs == []


def test_it_scrolls_to_a_highlight_from_the_sidebar(page, alice):
    article = make_article(body=LONG_BODY + "\n\nThe very last sentence names the culprit.")
    annotation = annotate(article, alice, "names the culprit", note="At the very end")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(article.get_absolute_url())
    mark = highlight(page, annotation.pk)
    expect(mark).not_to_be_in_viewport()
    sidebar(page).get_by_role("link", name="names the culprit").click()

    expect(mark).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0


def phrase_box(page, scope, phrase):
    """Where a phrase of the text is on the screen now."""
    return page.evaluate(
        """([scope, phrase]) => {
        const walker = document.createTreeWalker(document.querySelector(scope), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(phrase);
            if (at === -1) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + phrase.length);
            const box = range.getBoundingClientRect();
            return {x: box.left, y: box.top, width: box.width, height: box.height};
        }
    }""",
        [scope, phrase],
    )


def overlaps(a, b):
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and (a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])
    )


@pytest.mark.parametrize("in_column", [False, True])
def test_it_annotates_a_passage_over_two_paragraphs(page, alice, in_column):
    story = make_story()
    article = make_article(story=story, outlet=make_outlet("First Outlet"), body=BODY)
    other = make_article(story=story, outlet=make_outlet("Second Outlet"), body="Other words.")
    page.set_viewport_size({"width": 1280, "height": 800})
    compare_url = reverse("articles:compare", args=[story.slug]) + f"?a={article.pk}&a={other.pk}"
    log_in(page, next_url=compare_url if in_column else article.get_absolute_url())
    scope = f"#column-{article.pk} .js-annotatable" if in_column else ".js-annotatable"

    drag_across(page, scope, "with the army.", until="The letter said")
    expect(tags_input(page)).to_be_focused()
    page.keyboard.type("across")
    note_input(page).press("Control+Enter")

    expect(annotation_form(page)).to_be_hidden()
    annotation = Annotation.objects.get()
    assert annotation.exact == "with the army.\n\nThe letter said"
    expect(highlight(page, annotation.pk)).to_have_text(["with the army.", "The letter said"])
    expect(page.get_by_text("Annotation saved.")).to_be_visible()


def test_it_keeps_the_undo_bar_in_view_after_a_delete(page, alice):
    article = make_article(body=LONG_BODY + "\n\nThe very last sentence names the culprit.")
    annotation = annotate(article, alice, "names the culprit", note="At the very end")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, next_url=article.get_absolute_url())

    sidebar(page).get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()

    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_in_viewport()
    expect(page.get_by_text("Annotation deleted.")).to_be_in_viewport()
    undo.click()
    expect(highlight(page, annotation.pk)).to_be_in_viewport()  # back where the passage is
    annotation.refresh_from_db()
    assert annotation.deleted_at is None


def test_it_returns_to_the_side_by_side_view_after_edit_and_delete(page, alice):
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body="Intro.\n\n" + BODY)
    annotation = annotate(second, alice, "Nadella answered", note="Old note")
    compare_url = reverse("articles:compare", args=[story.slug]) + f"?a={first.pk}&a={second.pk}"
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, next_url=compare_url)
    column = page.locator(f"#column-{second.pk}")

    column.locator("summary", has_text="Annotations").click()
    column.get_by_role("link", name="Edit").click()
    note_input(page).fill("New note")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{compare_url}#hl-{annotation.pk}")
    expect(highlight(page, annotation.pk, f"#column-{second.pk}")).to_be_in_viewport()

    column.locator("summary", has_text="Annotations").click()
    column.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("button", name="Undo")).to_be_in_viewport()
    assert compare_url in page.url
    page.get_by_role("button", name="Undo").click()
    page.wait_for_url(f"**{compare_url}#hl-{annotation.pk}")
    expect(highlight(page, annotation.pk, f"#column-{second.pk}")).to_have_count(1)


def test_it_saves_and_shows_tags_in_any_script(page, alice):
    article = make_article(body=BODY)
    names = ["réfugiés", "Ελληνικά", "Bürgerrechte"]
    log_in(page, next_url=article.get_absolute_url())

    drag_across(page, ".js-annotatable", "Nadella answered")
    tags_input(page).fill(", ".join(names))
    note_input(page).press("Control+Enter")

    for name in names:
        expect(sidebar(page).get_by_role("link", name=name, exact=True)).to_be_visible()
    sidebar(page).get_by_role("link", name="Ελληνικά", exact=True).click()
    expect(page.get_by_role("heading", name="Passages tagged “Ελληνικά”")).to_be_visible()
    expect(page.locator("mark")).to_have_text("Nadella answered")
    page.get_by_role("link", name="All tags").click()
    for name in names:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    page.goto(article.get_absolute_url())
    page.get_by_role("navigation", name="Show highlights by tag").get_by_role("link", name="réfugiés").click()
    expect(page.locator("mark.js-highlight")).to_have_text("Nadella answered")


PHONES = [{"width": 390, "height": 844}, {"width": 375, "height": 667}, {"width": 844, "height": 390}]


@pytest.mark.parametrize("size", PHONES)
def test_it_keeps_the_passage_in_view_while_annotating_on_a_phone(page, alice, size):
    story = make_story()
    first = make_article(story=story, outlet=make_outlet("First Outlet"), body=LONG_BODY)
    second = make_article(story=story, outlet=make_outlet("Second Outlet"), body=LONG_BODY)
    page.set_viewport_size(size)
    log_in(page, next_url=reverse("articles:compare", args=[story.slug]) + f"?a={first.pk}&a={second.pk}")

    # A passage low on the screen, where a popover below it would not fit, reached by reading down
    # the column (so that the header folds away).
    paragraph = 12
    scope = f"#column-{first.pk} .js-annotatable p:nth-of-type({paragraph + 1})"
    for _ in range(2):  # again once the header has folded away (and come back: the column grew)
        page.locator(scope).evaluate(
            "p => p.closest('.js-compare-column')"
            ".scrollBy(0, p.getBoundingClientRect().top - innerHeight * 0.7)"
        )
        page.wait_for_timeout(300)
    page.locator(scope).evaluate("p => p.closest('.js-compare-column').scrollBy(0, 24)")  # reading on
    expect(page.locator("body")).to_have_class(re.compile("is-header-folded"))
    phrase = f"Paragraph {paragraph} of"
    drag_across(page, scope, phrase, scroll=False)

    form = annotation_form(page)
    expect(form).to_be_visible()
    page.wait_for_timeout(300)  # the header stays folded while the form takes focus
    expect(page.locator("body")).to_have_class(re.compile("is-header-folded"))
    selection, popover = phrase_box(page, scope, phrase), form.bounding_box()
    assert selection["height"] > 0
    assert not overlaps(selection, popover)
    assert 0 <= selection["y"] and selection["y"] + selection["height"] <= size["height"]
    assert popover["y"] >= 0 and popover["y"] + popover["height"] <= size["height"] + 1


def test_it_draws_a_caret_and_shows_the_keys_for_keyboard_selection(page, alice):
    article = make_article(body=BODY)
    log_in(page, next_url=article.get_absolute_url())
    tab_to_article_text(page)

    caret = page.locator(".text-caret")
    expect(caret).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Shift+arrows select")).to_be_visible()
    first = caret.bounding_box()
    for _ in range(len("Microsoft")):
        page.keyboard.press("ArrowRight")
    # The caret is redrawn on "selectionchange", which the browser fires a little after the keys:
    # wait for it to move rather than read where it was a moment ago.
    page.wait_for_function(
        "x => document.querySelector('.text-caret').getBoundingClientRect().x > x + 20",
        arg=first["x"],
        timeout=5_000,
    )
    moved = caret.bounding_box()
    assert moved["x"] > first["x"] + 20 and abs(moved["y"] - first["y"]) < 2
    page.keyboard.press("Shift+Tab")
    expect(caret).to_be_hidden()


def test_it_makes_highlights_one_tab_stop_per_column_with_arrows_between_them(page, alice):
    story = make_story()
    columns = [make_article(story=story, outlet=make_outlet(f"Outlet {n}"), body=BODY) for n in range(3)]
    words = ["Microsoft", "protested", "contract", "letter", "Nadella", "Analysts"]
    annotations = {article.pk: [annotate(article, alice, word) for word in words] for article in columns}
    page.goto(reverse("articles:compare", args=[story.slug]) + "?" + "&".join(f"a={a.pk}" for a in columns))

    stops = page.evaluate(
        """() => [...document.querySelectorAll('.js-annotatable')].map((body) =>
        [...body.querySelectorAll('.js-highlight, .js-shared-marker')]
        .filter((item) => item.tabIndex === 0).length)"""
    )
    assert stops == [1, 1, 1]
    first_column = columns[0].pk
    mark = highlight(page, annotations[first_column][0].pk)
    mark.focus()
    page.keyboard.press("ArrowRight")
    expect(highlight(page, annotations[first_column][1].pk)).to_be_focused()
    page.keyboard.press("End")
    expect(highlight(page, annotations[first_column][-1].pk)).to_be_focused()
    page.keyboard.press("Tab")  # out of the text, not on to another of its highlights
    assert page.evaluate("document.activeElement.closest('.js-annotatable')") is None


def test_it_counts_a_long_note_and_keeps_it_when_refused(page, alice):
    article = make_article(body=BODY)
    log_in(page, next_url=article.get_absolute_url())
    drag_across(page, ".js-annotatable", "Nadella answered")

    limit = page.locator(".field-limit").last
    expect(limit).to_have_text("Up to 10,000 characters")
    note_input(page).fill("a" * 8_500)
    expect(limit).to_have_text("8,500 of 10,000 characters")
    note_input(page).fill("a" * 10_050)
    expect(limit).to_have_text("10,050 of 10,000 characters: 50 too many")
    page.get_by_role("button", name="Save").click()

    expect(annotation_form(page)).to_contain_text("at most 10000 characters; this one has 10050")
    assert len(note_input(page).input_value()) == 10_050  # nothing cut, nothing lost
    assert Annotation.objects.count() == 0


def test_it_saves_through_the_api_and_shows_its_refusal_keeping_the_text(page, live_server, alice):
    article = make_article(body=BODY)
    team = Group.objects.create(name="History 101", slug="history-101")
    membership = Membership.objects.create(group=team, user=alice, role=Role.OWNER)
    log_in(page, next_url=article.get_absolute_url())
    membership.delete()  # she leaves the group in another tab: this page still offers it

    drag_across(page, ".js-annotatable", "Nadella answered")
    tags_input(page).fill("quote")
    note_input(page).fill("Kept *as typed*.")
    page.get_by_label("Visible to").select_option(label="Group: History 101")
    with page.expect_request("**/api/articles/*/annotations") as refused:
        page.get_by_role("button", name="Save").click()
    expect(annotation_form(page)).to_contain_text(
        "You can share an annotation only with a group you are a member of."
    )
    assert refused.value.post_data_json["group"] == "history-101"
    expect(tags_input(page)).to_have_value("quote")
    expect(note_input(page)).to_have_value("Kept *as typed*.")
    assert not Annotation.objects.exists()

    page.get_by_label("Visible to").select_option(label="Everyone")
    container = live_server.url + reverse("api:annotation_create", args=[article.pk])
    with page.expect_request(container) as saved:
        note_input(page).press("Control+Enter")
    expect(page.locator("mark.js-highlight")).to_have_count(1)
    sent = saved.value
    assert (sent.method, sent.headers["content-type"]) == ("POST", "application/json")
    assert sent.headers["x-csrftoken"]
    start = BODY.index("Nadella answered")
    assert sent.post_data_json == {  # a W3C Web Annotation, as any script sends it
        "type": "Annotation",
        "body": [
            {
                "type": "TextualBody",
                "value": "Kept *as typed*.",
                "purpose": "commenting",
                "format": "text/markdown",
            },
            {"type": "TextualBody", "value": "quote", "purpose": "tagging"},
        ],
        "target": {
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": start + len("Nadella answered")},
                {"type": "TextQuoteSelector", "exact": "Nadella answered"},
            ]
        },
        "visibility": "public",
    }
    annotation = Annotation.objects.get()
    assert (annotation.visibility, annotation.note, list(annotation.tags.names())) == (
        "public",
        "Kept *as typed*.",
        ["quote"],
    )


def test_it_leaves_the_keyboard_down_and_hides_key_hints_on_a_touch_screen(browser, live_server, alice):
    article = make_article(body=BODY)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    log_in(page, next_url=article.get_absolute_url())

    page.locator(".js-annotatable p").first.tap()  # the reader's finger, then the selection handles
    page.evaluate(
        """() => {
        const text = document.querySelector('.js-annotatable p').firstChild;
        getSelection().setBaseAndExtent(text, 0, text, 'Microsoft employees'.length);
    }"""
    )

    expect(annotation_form(page)).to_be_visible()
    expect(tags_input(page)).not_to_be_focused()  # no on-screen keyboard over the passage
    expect(annotation_form(page)).to_be_focused()
    expect(annotation_form(page).get_by_text("Ctrl+Enter")).to_be_hidden()
    expect(annotation_form(page).get_by_text("Esc")).to_be_hidden()
    context.close()


def test_it_suggests_existing_tags_in_the_popover_and_on_the_coverage_page(page, alice):
    call_command("import_corpus", FIXTURES, stdout=StringIO())
    story = Story.objects.get()
    article = story.articles.first()
    annotate(article, alice, article.body.split()[0], tags=["Framing"])
    log_in(page, next_url=reverse("articles:story_coverage", args=[story.slug]))

    page.locator("summary", has_text="Annotate every occurrence").first.click()
    page.get_by_label("Tags").first.press_sequentially("fr")
    expect(page.locator("#tag-suggestions option")).to_have_attribute("value", "Framing")

    page.goto(article.get_absolute_url())
    drag_across(page, ".js-annotatable", article.body.split()[1])
    tags_input(page).press_sequentially("quote, FR")
    expect(page.locator("#tag-suggestions option")).to_have_attribute("value", "quote, Framing")
