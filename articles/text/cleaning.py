"""Cleaning imported text: site chrome, trailers and damaged characters. Pure: no Django.

The importer repairs a text (repair) and then drops what is not the article's (clean_lines);
Article.clean() marks a body that still holds damaged characters (is_damaged).

clean_lines() works on whole lines and inside them, because real bodies often come as one line:
- CHROME_LINES: whole lines that are never article text ("Watch LIVE", "Most recent");
- trailers: what sites append to the end of a body ("Copyright 2018 The Associated Press...",
  "(Reporting by ...)", "Contact the writer at ..."), peeled off the end of the last line, one
  sentence-shaped trailer at a time;
- inline: what sites insert anywhere (newsletter pitches, "Follow us on Twitter"), removed as whole
  sentences wherever they are;
- links: "READ MORE: <headline>", removed only where the headline's end is certain, so that no
  sentence of the article goes with it;
- credits: the agency in a dateline ("LONDON (Reuters) - Britain said" -> "LONDON - Britain said")
  and an agency credited at the end ("... said. (AFP)").
GENERAL holds the rules for every outlet; OUTLET_PATTERNS adds an outlet's own, by outlet name
(normalised: case, "The", punctuation and a web address's www./.com do not matter).
"""

import functools
import re
from dataclasses import dataclass

import ftfy

# Site chrome: whole lines (after whitespace is tidied) that are never article text.
# Matched case-insensitively against the entire line. Add a pattern and a test to extend.
CHROME_LINES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in [
        r"watch live",  # live-video banner
        r"\{/?[a-z_]+\}",  # template placeholders: {mosads}
        r"(?:copyright|©|\(c\))\s*(?:©\s*)?\d{4}\b.*",  # "Copyright 2024 Nexstar Media Inc. ..."
        r"(?:(?:copyright|©|\(c\)).*)?all rights reserved\b.*",  # not a sentence that quotes it
        r"most recent|all articles|related articles",  # related-links footers
        r"discuss this article|other reports by",
        r"news & politics",  # section label above the title
        r".*\(photo by [^()]*\)",  # captions: "... (Photo by X/Getty Images)"
        r".*\([^()]*/(?:getty images|ap|reuters|afp)\b[^()]*\)",  # "... (Drew Angerer/Getty Images)"
    ]
]

# All the patterns as one, so that each line is matched once.
_ANY_CHROME = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in CHROME_LINES), re.IGNORECASE)

# Pieces the patterns below share. Case matters in them unless a pattern says (?i:...).
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_NAME = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}"  # "Jane Doe", "CNN's Jane Doe"
_END = r"(?:[.!?]+|$)"  # the end of an inline sentence
_PITCHED = r"[^.!?]{0,200}\b(?i:newsletters?|inbox|e-?mail alerts?|e-?mail updates)\b"  # in a pitch
_SOCIAL = r"(?i:twitter|facebook|instagram|x|linkedin|tiktok|youtube|threads|bluesky|telegram|whatsapp)"
# Agencies as they are credited in datelines and at the end of a body.
_AGENCIES = (
    r"AP|Associated Press|Reuters|AFP|Agence France-Presse|dpa|DPA|AAP|PA|Press Association|PA Media"
    r"|ANSA|EFE|Xinhua|Kyodo|UPI|Yonhap|TASS|Interfax|PTI|IANS|ANI|Anadolu|Bloomberg|Canadian Press|CP"
    r"|Belga|ANP|APA|Bernama|Antara|IRNA|KCNA|[Aa]gencies|[Ww]ire services"
)


@dataclass(frozen=True)
class Patterns:
    """Regular expressions (strings) of what to remove, by where it is removed.

    trailers: at the end of a body, from a sentence start (or a dash or bracket) to the end;
    inline: whole sentences anywhere: from a sentence start to a space or the line's end (end a
        pattern with _END: its full stop, or the line's end); each begins with a plain character,
        not a group such as (?:A|B) or (?i:...): then the combined search skips ahead to those
        characters in C, ten times faster (write one pattern per first word instead);
    credits: names credited in datelines and at the end, as "(Reuters)" or "- AFP".
    """

    trailers: tuple[str, ...] = ()
    inline: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()


GENERAL = Patterns(
    trailers=(
        r"(?i:copyright|©|\(c\))\s*©?\s*(?:\d{4}\b|[A-Z][^.!?]{0,60}?\b\d{4}\b).{0,300}",  # © Reuters 2018
        r"(?i:(?:(?:copyright|©)[^.!?]{0,80}\.?\s*)?all rights reserved\b).{0,300}",
        r"[(\[](?i:(?:additional |writing and )?(?:reporting|writing|editing|compiled|research|produced)"
        r"(?: and \w+)? by )[^()\[\]]{1,300}[)\]]",  # (Reporting by X; Editing by Y)
        r"(?:--|—|–)\s*(?i:(?:additional )?reporting by ).{1,300}",  # -- Reporting by X
        r"(?i:reporting by )[^.!?]{1,200}?; (?i:editing by )[^.!?]{1,200}",  # Reporting by X; Editing by Y
        r"Additional reporting (?:by|from) [^!?]{1,200}",
        # "The AP contributed to this report.", "Jane Doe contributed reporting from Milan.": a place may
        # follow, named ("from Washington, D.C."; not "from the start", which an article may write).
        r"(?:[A-Z][^.!?]{0,150}? )?contributed (?:additional )?(?:(?:reporting|research)(?: (?:to|for) this "
        r"(?:report|story|article))?|(?:to|for) this (?:report|story|article))"
        r"(?: (?:from|in) (?:the )?[A-Z](?:[^.!?]|\.(?=\S)){0,80})?\.?",
        # "Associated Press writers Jane Doe in Rome and John Roe contributed.": names only, so that
        # "Reporters Without Borders said journalists contributed." stays.
        r"(?:[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,3} )?(?i:writers?|reporters?|correspondents?)"
        r"(?:,? (?:(?:and|in|from) )?[A-Z][\w'’-]*){1,24} contributed\.",
        r"(?:• ?)?(?i:this (?:story|article|report|piece|version)\b[^.!?]{0,40}?\b(?:has been|was|have been)"
        r" (?:corrected|updated|amended|refiled|edited|changed)\b).{0,400}",
        r"(?i:an? (?:earlier|previous) version of this (?:story|article|report)\b).{0,400}",
        r"(?i:correction|clarification|editor['’]s note) ?: ?(?i:an? (?:earlier|previous)|this)\b.{0,400}",
        # Sign-offs with an e-mail address: "Contact the writer at jane@x.com", "Jane Doe, jane@x.com".
        r"(?:(?i:contact|reach|e-?mail|write to) "
        rf"(?:(?i:the (?:writers?|authors?|reporters?)|us|me|him|her|them)|{_NAME})"
        rf"(?: (?i:by e-?mail|on {_SOCIAL}))? (?i:at|via|on) |(?i:e-?mail) ?: ?)?{_EMAIL}"
        r"(?: (?i:or|and) (?:(?i:on|follow \w+ on) \w+ )?@\w+)?\.?",
        rf"(?:{_NAME} ?[,:–—-] ?)?{_EMAIL}\.?",
        r"_{3,}",  # a rule above the sign-off
    ),
    inline=(
        # Newsletter pitches: "Sign up for our daily newsletter.", "Get the news in your inbox."
        *(
            rf"{verb}\b(?={_PITCHED})[^.!?]{{0,200}}{_END}"
            for verb in ("Sign up", "Subscribe", "Get", "Want")
        ),
        *(
            rf"{word} (?={_PITCHED})[^.!?]{{0,100}}?, (?i:sign up|subscribe|register)\b[^.!?]{{0,150}}{_END}"
            for word in ("To", "For")
        ),
        rf"Sign up (?i:here|now|today|for free){_END}",
        *(
            rf"{verb} (?:(?i:us|me|him|her|them)|@\w+|{_NAME})(?: (?i:on|at|via))? {_SOCIAL}\b"
            rf"[^.!?]{{0,120}}{_END}"
            for verb in ("Follow", "Like")
        ),
        rf"Click here (?:to|for) [^.!?]{{1,120}}{_END}",
        # In capitals between two paragraphs of one line ("CLICK HERE TO GET THE FOX NEWS APP"): the
        # capitals end before a word in lower case ("A spokesman" keeps its "A").
        r"CLICK HERE [A-Z0-9 ,.'’&:/-]+?(?=\s+(?:[A-Z]?[a-z]|[AI] )|\s*$)",
    ),
    credits=(_AGENCIES,),
)

# An outlet's own patterns, on top of GENERAL. To extend: add the outlet's name (as users see it:
# "Fox News") and its patterns, and an example of each to tests/test_cleaning.py.
OUTLET_PATTERNS = {
    "Reuters": Patterns(trailers=(r"Our Standards ?: ?The Thomson Reuters Trust Principles\.?",)),
    "CNN": Patterns(credits=(r"CNN(?: Business| Politics| Money)?",)),
    "Daily Mail": Patterns(inline=(rf"Scroll down for (?i:videos?){_END}",)),
    "Associated Press": Patterns(
        trailers=(r"Follow AP(?:['’]s)? [^.!?]{0,40}?(?i:coverage)\b[^.!?]{0,80}? (?i:at|on) \S+",),
    ),
}

# "READ MORE: <headline>" and its kind: the marker, case as sites write it.
_LINK_MARKER = re.compile(
    r"(?:READ MORE|Read [Mm]ore|RELATED(?: ARTICLES?| CONTENT| COVERAGE| STORY| STORIES)?"
    r"|Related(?: [Aa]rticles?| [Cc]ontent| [Cc]overage| [Ss]tory| [Ss]tories)?|SEE ALSO|See [Aa]lso"
    r"|ALSO READ|Also [Rr]ead|MORE(?: ON THIS(?: STORY)?)?|WATCH|LISTEN|MUST READ|YOU MAY ALSO LIKE)"
    r" ?: ?"
)
MAX_HEADLINE_WORDS = 30
# Where a headline run into the article's next paragraph ends: "...fresh revoltThe minister said". A
# straight quote closes the headline only run into it ('win"The'): 'said: "We' opens a quotation.
_HEADLINE_JUNCTION = re.compile(
    r"(?:(?<=[a-z0-9%’”)])|(?<=\S['\"]))(?=(?:The|A|An|He|She|It|They|We|I|In|On|At|But|And|Mr|Mrs|Ms|Dr|This|That|His"
    r"|Her|Their|Its|After|When|While|As|According|However|Meanwhile|Speaking|Earlier|Last|Police"
    r"|Officials)\b)"
)
# A headline's own question or exclamation, then the article's sentence: "...over? The minister".
_HEADLINE_QUESTION = re.compile(r"[?!]+[\"”’']?(?= [A-Z\"“‘])")
# A possible sentence break inside a headline: a sentence may start with anything but a lower-case
# letter ("© Associated Newspapers", "1.3 million", '"We'); "U.S. stocks" holds none.
_SENTENCE_BREAK = re.compile(r"[.!?…][\"”’')\]]*\s+(?![a-z])")
# A line that ends with a sentence's full stop ('he said."'): a headline has none (it may ask "?").
_ENDS_WITH_STOP = re.compile(r"[.…][\"”’')\]]*\Z")
# What may come right before a trailer or an inline sentence: the end of a sentence.
# What ends a sentence: its mark, perhaps followed by a closing quote ('he said."'), or a closing
# bracket. Not a quote alone: 'the post read "All rights reserved."' is a sentence of the article.
_SENTENCE_END = re.compile(r"(?:[.!?…)\]]|[.!?…][\"”’'])\Z")
# Where a trailer may start: after a sentence's end, or at a dash or bracket after a space.
_TRAILER_CANDIDATE = re.compile(r"(?P<after_sentence>[.!?…)\]][\"”’']?)\s*|[-–—|\[(/]")
MAX_TRAILER_CHARS = 700


def is_chrome(line: str) -> bool:
    return _ANY_CHROME.fullmatch(line) is not None


@functools.lru_cache(maxsize=256)  # clean_lines() asks for each body, with a few names
def normalised_outlet(name: str) -> str:
    """An outlet's name as OUTLET_PATTERNS is looked up: "The Fox News" and "foxnews.com" -> "foxnews"."""
    name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name.strip().lower())
    name = re.sub(r"\.(?:com|co\.uk|org|net|news|[a-z]{2})/?$", "", name)
    return re.sub(r"^the", "", re.sub(r"[\W_]+", "", name))


@dataclass(frozen=True)
class _Rules:
    """An outlet's patterns compiled: one search per kind."""

    trailer: re.Pattern
    inline: re.Pattern | None
    dateline: re.Pattern
    end_credit: str


@functools.lru_cache(maxsize=256)
def _rules(outlet_key: str) -> _Rules:
    own = _OUTLETS.get(outlet_key, Patterns())
    credits = "|".join(GENERAL.credits + own.credits)
    credit = rf"[(\[] ?(?i:with |from |via )?(?:{credits})(?: ?(?:[/,&+]|and) ?(?:{credits}))* ?[)\]]"
    end_credit = (
        rf"{credit}\.?|(?:[-–—/|] ?|(?i:with |source ?: ?))?(?:{credits})(?: ?[/,&] ?(?:{credits}))*\.?"
    )
    trailers = "|".join(f"(?:{pattern})" for pattern in GENERAL.trailers + own.trailers + (end_credit,))
    inline = GENERAL.inline + own.inline
    return _Rules(
        trailer=re.compile(rf"(?:{trailers})\s*$"),
        # Not each in (?:...): that would hide the first characters that the search skips to.
        inline=re.compile("|".join(inline)) if inline else None,
        # "LONDON, March 6 (Reuters) - " at the start of a line: the place stays, with its dash.
        dateline=re.compile(
            rf"(?P<place>[A-Z][\w.'’-]*(?:[ ,/]+[\w.'’-]+){{0,6}})? ?{credit} ?(?P<dash>[-–—:]+) ?"
        ),
        end_credit=end_credit,
    )


_OUTLETS = {normalised_outlet(name): patterns for name, patterns in OUTLET_PATTERNS.items()}


def clean_lines(lines: list[str], outlet: str = "") -> list[str]:
    """Canonical lines without what the outlet's site adds around and inside an article.

    Returns no lines when the text was all chrome and trailers: the importer refuses such a record.
    """
    rules = _rules(normalised_outlet(outlet))
    lines = [cleaned for line in lines if not is_chrome(line) and (cleaned := _clean_inside(line, rules))]
    while lines:
        last = _without_trailers(lines[-1], rules)
        while last and _has_link(last):
            shorter = _without_trailers(_without_links(last), rules)
            if shorter == last:
                break
            last = shorter  # a link ends the line once the trailers after it are gone
        if last:
            lines[-1] = last
            break
        lines.pop()  # the whole line was trailers: the one above may end with more of them
    return lines


def _clean_inside(line: str, rules: _Rules) -> str:
    line = _without_dateline_credit(line, rules)
    if rules.inline is not None:
        line = _without_inline(line, rules.inline)
    if not _has_link(line):
        return line
    # Links after the trailers are set aside: a headline read on into "... power. © Associated
    # Newspapers Ltd 2024" would seem to end the line and take the article's sentence with it.
    text = _without_trailers(line, rules)
    return _join(_without_links(text), line[len(text) :]) if text else line


def _has_link(line: str) -> bool:
    return ":" in line and _LINK_MARKER.search(line) is not None  # every marker ends with a colon


def _without_dateline_credit(line: str, rules: _Rules) -> str:
    # The credit is in brackets: a line without any (most) is not searched for one.
    match = ("(" in line or "[" in line) and rules.dateline.match(line)
    if not match:
        return line
    if not match["place"]:  # "(Reuters) - Britain said": nothing to keep before the text
        return line[match.end() :]
    return f"{match['place'].rstrip()} {match['dash']} {line[match.end() :]}"


def _without_inline(line: str, inline: re.Pattern) -> str:
    position = 0
    while match := inline.search(line, position):
        start, end = match.span()
        if _starts_sentence(line, start) and (end == len(line) or line[end] == " "):
            line = _join(line[:start], line[end:])
        else:
            position = start + 1
    return line


def _without_links(line: str) -> str:
    position = 0
    while match := _LINK_MARKER.search(line, position):
        end = _headline_end(line, match.end())
        if _starts_sentence(line, match.start(), after_space=True) and end is not None:
            line = _join(line[: match.start()], line[end:])
            position = match.start()
        else:
            position = match.end()
    return line


def _headline_end(line: str, start: int) -> int | None:
    """Where the headline of a "READ MORE:" link ends, or None when that is not certain.

    Certain: the line ends within MAX_HEADLINE_WORDS words without a sentence's full stop (a
    headline has none); the next paragraph was run into the headline ("revoltThe minister"); or the
    headline ends with its own question or exclamation mark before a capital.
    """
    words = line[start:].split(" ", MAX_HEADLINE_WORDS)
    headline = " ".join(words[:MAX_HEADLINE_WORDS])
    if not headline:
        return None
    stop = _SENTENCE_BREAK.search(headline)
    if len(words) <= MAX_HEADLINE_WORDS and not stop and not _ENDS_WITH_STOP.search(headline):
        return len(line)
    for found in (_HEADLINE_JUNCTION.search(headline), _HEADLINE_QUESTION.search(headline)):
        if found and (not stop or found.start() <= stop.start()):
            return start + found.end()
    return None


def _without_trailers(line: str, rules: _Rules) -> str:
    while (start := _trailer_start(line, rules)) is not None:
        line = line[:start].rstrip(" -–—|")
    return line


def _trailer_start(line: str, rules: _Rules) -> int | None:
    """Where the trailers that end the line start: at a sentence start, or at a dash or bracket after
    a space ("... said (AFP)"; not "(c)", which may be part of a sentence)."""
    if rules.trailer.match(line):
        return 0
    # Trailers are short: look at the line's end only, which keeps long one-line bodies fast.
    for candidate in _TRAILER_CANDIDATE.finditer(line, max(0, len(line) - MAX_TRAILER_CHARS)):
        start = candidate.end() if candidate["after_sentence"] else candidate.start()
        if not candidate["after_sentence"] and (
            line[start - 1 : start] != " " or line.startswith("(c", start)
        ):
            continue  # "long-term" or "(c) 2018 was printed on it": not a trailer's start
        if rules.trailer.match(line, start):
            return start
    return None


def _starts_sentence(line: str, start: int, after_space: bool = False) -> bool:
    """Whether a match at start begins a sentence: the line's start, after a sentence's end, or
    run into the previous word ("saidSign up"); after_space also accepts any space."""
    if start == 0:
        return True
    if line[start - 1] == " ":
        return after_space or _SENTENCE_END.search(line, max(0, start - 3), start - 1) is not None
    return _SENTENCE_END.search(line, max(0, start - 2), start) is not None or line[start - 1].islower()


def _join(before: str, after: str) -> str:
    before, after = before.rstrip(), after.lstrip()
    return f"{before} {after}" if before and after else before or after


# Damaged characters ------------------------------------------------------------------------------

# ftfy fixes mojibake ("Ã©" for "é", "â€™" for "’") and nothing else that would change a correct
# text: quotes stay curly, no NFKC (which would turn "½" into "1⁄2"), line breaks stay as they are.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",  # "it&#8217;s" -> "it’s", unless the text holds markup
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)
# What mojibake always holds: a UTF-8 lead byte read as Latin-1/Windows-1252 ("Ã", "â") followed
# by a continuation byte read the same way ("©", "€", "™"). Text without it is not given to ftfy,
# which takes a millisecond per 4 KB.
_CONTINUATION = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
# One leading set of characters, so that the search skips ahead in C.
_MAYBE_MOJIBAKE = re.compile(
    f"[\x80-\x9f\xc2-\xf4](?:(?<=[\x80-\x9f])|(?<=\xc3) |(?<=[\xc2-\xf4])[{_CONTINUATION}])"
)
# The words that hold it, each given to ftfy alone: ten times faster than the whole text.
_MOJIBAKE_WORD = re.compile(f"\\S*(?:[\xc2-\xf4][{_CONTINUATION}]|\xc3 |[\x80-\x9f])\\S*")
_MOJIBAKE_LEADS = "\xc2\xc3\xe2"
_LEFT_MOJIBAKE = re.compile(f"[{_MOJIBAKE_LEADS}][{_CONTINUATION}]")  # what ftfy could not undo
_HTML_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,5}|[a-zA-Z]{2,8});")

# A dash lost as '"?' between words: 'The minister "? who resigned "? said'. Nothing else writes a
# quote followed by a question mark between two words, so this is always repaired. The quote first
# and the words around it looked at, so that the search skips ahead to quotes in C.
_QUOTE_QUESTION_DASH = re.compile(r'"(?:(?<=\w")|(?<=\w "))\?(?= ?\w)')
# A dash lost as " ? " between words: "the minister ? who resigned ? said". Repaired only before a
# lower-case word or a number and only in text that does not space its punctuation as French does
# ("Pourquoi ? demande-t-il" is correct French).
_SPACED_QUESTION = re.compile(r"(?<=[\w,;:)\"”’]) \? (?=[a-z0-9])")
_SPACED_QUESTION_BEFORE_CAPITAL = re.compile(r"(?<=[\w,)]) \? (?=[A-Z])")
_FRENCH_SPACING = re.compile(r"\w [:;!»]|«")
# A letter lost as "?" inside a word: "S?o Paulo", "Fran?ois", "SALV?O", "don?t".
# The "?" first (the lookbehind after it), so that the search skips ahead to it in C.
_QUESTION_IN_WORD = re.compile(r"\?(?<=[^\W\d_]\?)(?=[^\W\d_])")
_QUOTE_QUESTION_LEFT = re.compile(r'(?:^|(?<=\s))"\?(?=\s)|"\?(?=\w)', re.MULTILINE)


def repair(text: str) -> str:
    """The text with damage that can be undone safely undone: mojibake, HTML entities, lost dashes."""
    if not text.isascii() and _MAYBE_MOJIBAKE.search(text):
        text = _without_mojibake_words(text)
    if "&" in text and _HTML_ENTITY.search(text):
        text = ftfy.fix_text(text, FTFY_CONFIG)
    if "?" in text:
        text = _repair_dashes(text)
    return text


def _without_mojibake_words(text: str) -> str:
    """_MOJIBAKE_WORD.sub() with each word fixed by ftfy, five times faster: a search for the pattern
    tries its leading \\S* at every position of every word, so the words are found from their mojibake
    (a search that skips ahead in C) and the pattern is matched once, where the search would match it:
    at the start of the mojibake's word, or where the previous word's match ended."""
    pieces, position = [], 0
    while found := _MAYBE_MOJIBAKE.search(text, position):
        start = found.start()
        while start > position and not text[start - 1].isspace():  # str.isspace() is the pattern's \s
            start -= 1
        word = _MOJIBAKE_WORD.match(text, start)
        pieces += (text[position:start], ftfy.fix_text(word[0], FTFY_CONFIG))
        position = word.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _repair_dashes(text: str) -> str:
    if '"?' in text:
        text = _QUOTE_QUESTION_DASH.sub("—", text)
    if " ? " in text and not _FRENCH_SPACING.search(text):
        text = _SPACED_QUESTION.sub(" — ", text)
    return text


def is_damaged(text: str) -> bool:
    """Whether the text holds characters lost before it reached us, which no repair brings back.

    Replacement characters (U+FFFD), a letter lost as "?" inside a word ("S?o Paulo"), a dash lost
    as '"?' or " ? " where repair() could not tell it from a question, and mojibake ftfy left.
    """
    if "\ufffd" in text:
        return True
    if "?" in text and _has_lost_characters(text):
        return True
    # Most texts hold none of the lead characters: finding that is ten times faster than the search.
    return any(lead in text for lead in _MOJIBAKE_LEADS) and _LEFT_MOJIBAKE.search(text) is not None


def _has_lost_characters(text: str) -> bool:
    for match in _QUESTION_IN_WORD.finditer(text):
        before, after = text[match.start() - 1], text[match.end()]
        if before.islower() and after.isupper():  # a missing space: "Really?Yes"
            continue
        token_start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        token_end = min(
            found
            for found in (text.find(" ", match.end()), text.find("\n", match.end()), len(text))
            if found >= 0
        )
        if not any(mark in text[token_start:token_end] for mark in "/=&"):  # a query: "page?id=3"
            return True
    if '"?' in text and _QUOTE_QUESTION_LEFT.search(text):
        return True
    return (
        " ? " in text
        and _SPACED_QUESTION_BEFORE_CAPITAL.search(text) is not None
        and not _FRENCH_SPACING.search(text)
    )
