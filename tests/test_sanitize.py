import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.sanitize import NOTE_MAX_CHARS, render_note

# Spelled out here rather than imported, so widening the module's allowlist fails these tests.
ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_SCHEMES = ("http:", "https:", "mailto:")
REL = "nofollow noopener noreferrer"
REPO = Path(__file__).resolve().parent.parent

# Any "<" in safe output must open or close an allowlisted tag with only our attributes, double
# quoted; this holds whatever a browser's tokenizer makes of the rest.
_SAFE_TAG_RE = re.compile(
    r"<(?:/(?:{tags})|(?:{tags})(?: (?:href|title|rel)=\"[^\"<>]*\")*)>".format(tags="|".join(ALLOWED_TAGS))
)
_IGNORED_IN_URL_RE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")


class _Inventory(HTMLParser):
    """Every tag, attribute and non-text node in an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.start_tags = []
        self.end_tags = []
        self.other_nodes = []

    def handle_starttag(self, tag, attrs):
        self.start_tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self.end_tags.append(tag)

    def handle_comment(self, data):
        self.other_nodes.append(("comment", data))

    def handle_decl(self, decl):
        self.other_nodes.append(("declaration", decl))

    def unknown_decl(self, data):
        self.other_nodes.append(("cdata or unknown declaration", data))

    def handle_pi(self, data):
        self.other_nodes.append(("processing instruction", data))


def assert_safe_html(output):
    """Fail unless the fragment holds only allowlisted tags, attributes and link schemes."""
    assert "<script" not in output.lower(), output
    leftover = _SAFE_TAG_RE.sub("", output)
    assert "<" not in leftover, f"markup outside the allowlist in {output!r}"

    inventory = _Inventory()
    inventory.feed(output)
    inventory.close()
    assert inventory.other_nodes == [], output
    assert set(inventory.end_tags) <= ALLOWED_TAGS, output
    for tag, attrs in inventory.start_tags:
        assert tag in ALLOWED_TAGS, output
        names = [name for name, _ in attrs]
        if tag != "a":
            assert names == [], output
            continue
        assert set(names) <= {"href", "title", "rel"} and len(names) == len(set(names)), output
        values = dict(attrs)
        assert values.get("rel") == REL, output
        # The parser has already decoded entities; drop what browsers skip before the scheme.
        href = _IGNORED_IN_URL_RE.sub("", values.get("href") or "").lower()
        assert href.startswith(ALLOWED_SCHEMES), f"unsafe href {values.get('href')!r} in {output!r}"


XSS_PAYLOADS = [
    # Raw HTML: markdown-it escapes it, bleach would escape it again.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">click</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java\x00script:alert(1)">x</a>',
    '<a onclick="alert(1)" href="https://example.com">x</a>',
    '<a href="https://example.com" target="_blank" rel="opener">x</a>',
    '<p onmouseover="alert(1)">x</p>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<script>alert(1)",
    '<a href="https://example.com" onmouseover="alert(1)',
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<textarea></textarea><script>alert(1)</script>",
    "**<img src=x onerror=alert(1)>**",
    "> <iframe src=javascript:alert(1)>",
    "- [x](javascript:alert(1))\n- <svg/onload=alert(1)>",
    # Markdown links with hostile destinations.
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](java&#9;script:alert(1))",
    "[x](java\x00script:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](ja\u200bvascript:alert(1))",
    "[x](\u3000javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](//evil.example/x)",
    "[x](/\\evil.example)",
    "[x](#top)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][1]\n\n[1]: javascript:alert(1)",
    '[x][1]\n\n[1]: <javascript:alert(1)> "title"',
    "[x]\n\n[x]: data:text/html,alert(1)",
    # Image syntax (images are off) and attribute breakouts.
    "![x](javascript:alert(1))",
    "![x](https://example.com/a.png onerror=alert(1))",
    '![x](https://example.com/a.png "onerror=alert(1)")',
    '![x" onerror="alert(1)](https://example.com/a.png)',
    '[x](https://example.com "\\" onmouseover=\\"alert(1)")',
    "[x](https://example.com 'a\\' onmouseover=alert(1)')",
    '[x](https://example.com "a&quot; onclick=&quot;alert(1)")',
    '[x](https://example.com"onmouseover="alert(1))',
    "[x](https://example.com/'onmouseover='alert(1))",
    '[x" onmouseover="alert(1)](https://example.com)',
    # Bare URLs that linkify might turn into attributes.
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/'onmouseover='alert(1)",
    "https://example.com/<script>alert(1)</script>",
    "https://example.com/&quot;onmouseover=alert(1)",
    "javascript://example.com/%0Aalert(1)",
    # Code, entities and encodings.
    "`<script>alert(1)</script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    '```"><script>alert(1)</script>\nx\n```',
    "    <script>alert(1)</script>",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<scr\x00ipt>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_it_neutralises_xss_payload(payload):
    assert_safe_html(render_note(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_it_stays_safe_when_rendering_its_own_output(payload):
    assert_safe_html(render_note(render_note(payload)))


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        "<img src=x>",
        "<p onclick=x>y</p>",
        '<a href="javascript:alert(1)" rel="nofollow noopener noreferrer">x</a>',
        '<a href=" java\tscript:alert(1)" rel="nofollow noopener noreferrer">x</a>',
        '<a href="&#106;avascript:alert(1)" rel="nofollow noopener noreferrer">x</a>',
        '<a href="//evil.example" rel="nofollow noopener noreferrer">x</a>',
        '<a href="https://example.com">no rel</a>',
        '<a href="https://example.com" rel="nofollow noopener noreferrer" target="_blank">x</a>',
        "<!-- x -->",
        "<p>x</p><",
    ],
)
def test_it_has_a_checker_that_rejects_unsafe_html(unsafe):
    with pytest.raises(AssertionError):
        assert_safe_html(unsafe)


def test_it_shows_raw_html_as_text():
    assert render_note("<b>hi</b> <script>x</script>") == (
        "<p>&lt;b&gt;hi&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;</p>"
    )


@pytest.mark.parametrize(
    "source, expected",
    [
        ("**bold**", "<p><strong>bold</strong></p>"),
        ("*italic* and _italic_", "<p><em>italic</em> and <em>italic</em></p>"),
        ("`a < b`", "<p><code>a &lt; b</code></p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("```python\nif a < b:\n```", "<pre><code>if a &lt; b:\n</code></pre>"),
        ("    indented", "<pre><code>indented\n</code></pre>"),
        ("line  \nbreak", "<p>line<br>\nbreak</p>"),
    ],
)
def test_it_renders_markdown(source, expected):
    assert render_note(source) == expected


def test_it_renders_links_with_rel():
    assert render_note('[the report](https://example.com/r?a=1&b=2 "Say \\"hi\\"")') == (
        '<p><a href="https://example.com/r?a=1&amp;b=2" rel="nofollow noopener noreferrer" '
        'title="Say &quot;hi&quot;">the report</a></p>'
    )


@pytest.mark.parametrize(
    "source, href",
    [
        ("[x](http://example.com)", "http://example.com"),
        ("<https://example.com>", "https://example.com"),
        ("<alice@example.com>", "mailto:alice@example.com"),
        ("[x](mailto:bob@example.com)", "mailto:bob@example.com"),
        ("see https://example.com/a.", "https://example.com/a"),
        ("(see https://example.com/a)", "https://example.com/a"),
    ],
)
def test_it_gives_every_link_rel(source, href):
    output = render_note(source)
    assert f'<a href="{href}" rel="nofollow noopener noreferrer">' in output
    assert_safe_html(output)


def test_it_does_not_linkify_bare_domains_or_code():
    assert render_note("readme.md and www.example.com") == "<p>readme.md and www.example.com</p>"
    assert render_note("`https://example.com`") == "<p><code>https://example.com</code></p>"


@pytest.mark.parametrize("source", ["[x](/relative)", "[x](//evil.example)", "[x](#top)"])
def test_it_unwraps_links_without_an_allowed_scheme(source):
    assert render_note(source) == "<p>x</p>"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("# Heading", "<p># Heading</p>"),
        ("Title\n===", "<p>Title\n===</p>"),
        ("---", "<p>---</p>"),
        (
            "![alt](https://example.com/a.png)",
            '<p>!<a href="https://example.com/a.png" rel="nofollow noopener noreferrer">alt</a></p>',
        ),
    ],
)
def test_it_leaves_headings_rules_and_images_as_text(source, expected):
    assert render_note(source) == expected


@pytest.mark.parametrize("source", ["", " ", "\n\n", "\t \r\n"])
def test_it_renders_blank_notes_as_empty_string(source):
    assert render_note(source) == ""


@pytest.mark.parametrize(
    "source",
    [
        "[" * NOTE_MAX_CHARS,
        "*_" * (NOTE_MAX_CHARS // 2),
        "<" * NOTE_MAX_CHARS,
        "> " * (NOTE_MAX_CHARS // 2),
        "[a](" * (NOTE_MAX_CHARS // 4),
        "https://example.com/" + "&" * (NOTE_MAX_CHARS - 20),
        "https://example.com/" + "(" * (NOTE_MAX_CHARS - 20),
        ("**bold** [link](https://example.com) `code` https://example.com\n" * 200)[:NOTE_MAX_CHARS],
    ],
)
def test_it_renders_long_notes(source):
    assert len(source) <= NOTE_MAX_CHARS
    assert_safe_html(render_note(source))


def test_it_refuses_notes_over_the_limit():
    with pytest.raises(ValueError):
        render_note("x" * (NOTE_MAX_CHARS + 1))


_FRAGMENTS = st.sampled_from(
    ["<", ">", '"', "'", "`", "[", "]", "(", ")", "!", "*", "_", "&", "#", ";", ":", "\n", " ", "\t",
     "\x00", "javascript:", "https://", "data:", "script", "onerror=", "&#106;", "&colon;", "<!--", "-->",
     "> ", "- ", "```", "<a href=", "alert(1)"]
)  # fmt: skip


@given(st.lists(_FRAGMENTS | st.text(max_size=5), max_size=30).map("".join))
def test_it_renders_any_mix_of_hostile_fragments_safely(source):
    assert_safe_html(render_note(source))


def test_it_is_the_only_module_importing_bleach():
    importers = [
        path.relative_to(REPO)
        for folder in ("articles", "newsroom")
        for path in (REPO / folder).rglob("*.py")
        if re.search(r"^\s*(import|from)\s+bleach\b", path.read_text(), re.MULTILINE)
    ]
    assert importers == [Path("articles/sanitize.py")]
