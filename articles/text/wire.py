"""News agencies: the credits that mark an article as (partly) wire copy. Pure: no Django.

An agency is credited, not merely mentioned ("Reuters reported", "a Reuters/Ipsos poll"), by:
a dateline or credit in brackets ("LONDON (Reuters) -", "(AP)", "(dpa/AFP)"), a sign-off at the
end of a line ("-- Reuters", "— AFP"), a byline ("By Reuters", "Jane Doe, Associated Press"), a
"Reporting by ..." line (Reuters' sign-off), a copyright line naming it ("Copyright 2024 The
Associated Press") or "<agency> contributed to this report". The importer reads the raw text,
before cleaning drops these lines. Add an agency to AGENCIES, with a test, to extend.
"""

import re

# Short name -> the ways it is written (regular expressions, matched case-sensitively: "AP" and
# "PA" are words only in capitals). The order is that of agency_credits()'s answer.
AGENCIES = {
    "AP": [r"AP", r"(?:The )?Associated Press"],
    "Reuters": [r"Reuters", r"REUTERS", r"Thomson Reuters"],
    "AFP": [r"AFP", r"Agence France[- ]Presse"],
    "dpa": [r"dpa", r"DPA", r"Deutsche Presse-Agentur"],
    "ANSA": [r"ANSA"],
    "EFE": [r"EFE", r"Agencia EFE"],
    "PA": [r"PA", r"PA Media", r"(?:the )?Press Association"],
    "Xinhua": [r"Xinhua", r"XINHUA"],
    "Kyodo": [r"Kyodo", r"Kyodo News", r"KYODO"],
    "Yonhap": [r"Yonhap"],
    "TASS": [r"TASS", r"Tass"],
    "Anadolu": [r"Anadolu(?: Agency)?", r"AA"],
    "PTI": [r"PTI", r"Press Trust of India"],
    "IANS": [r"IANS"],
    "UPI": [r"UPI", r"United Press International"],
    "CP": [r"(?:The )?Canadian Press", r"CP"],
    "AAP": [r"AAP", r"Australian Associated Press"],
    "Bloomberg": [r"Bloomberg(?: News)?"],
}
# A name alone is too short a credit to trust in a sign-off or byline ("-- AA" may be initials).
_SHORT_NAMES = {"AA", "CP", "PA"}

_NAME = {agency: "(?:" + "|".join(forms) + ")" for agency, forms in AGENCIES.items()}


def _group(agency: str) -> str:
    return "a_" + agency.lower()


_ANY_AGENCY = "|".join(f"(?P<{_group(agency)}>{pattern})" for agency, pattern in _NAME.items())
# "(Reuters)", "(AP) —", "(dpa/AFP)", "(Agence France-Presse)"; not "(AP Photo/Jane Doe)".
_BRACKETS = re.compile(r"\((?P<names>[^()\n]{2,60})\)")
# What follows a dateline's credit ("(AP) —", "(EFE).-", "(Reuters) -"), or the end of its line.
_DATELINE_END = re.compile(r"\s*(?:--|[-—–:]|\.-)|[ \t]*(?:\n|$)")
# "-- Reuters", "— AFP", "–dpa" closing a line: looked for in each line's last SIGN_OFF_CHARS.
_SIGN_OFF = re.compile(rf"(?:--|[—–])\s*(?:{_ANY_AGENCY})\s*\.?\s*$")
SIGN_OFF_CHARS = 80
_MAY_SIGN_OFF = re.compile("--|[—–]")  # what a sign-off holds: a line without it is not searched
# "copyright", "©" or "(c)" in any case, written as one leading set so that the search skips ahead
# in C (a leading (?i:...) is tried at every position: ten times slower).
_COPYRIGHT = re.compile(
    rf"[cC©(](?:(?<=[cC])(?i:opyright)|(?<=©)|(?<=\()(?i:c\)))[^\n]{{0,40}}?\b(?:{_ANY_AGENCY})\b"
)
_CONTRIBUTED = re.compile(rf"\b(?:{_ANY_AGENCY})\s+contributed to this (?:report|story|article)")
# "Reporting by X" at a line's start or after a bracket, perhaps after spaces and "Additional ": the
# words are searched for (skipping ahead in C) and what comes before them checked in _signs_off().
_REPORTING_BY = re.compile(r"(?:reporting|Reporting) by [A-Z]")
_BYLINE = re.compile(
    rf"(?:^(?i:by\s+)?|,\s*|\band\s+|\|\s*)(?:{_ANY_AGENCY})(?:\s+(?i:staff|reporters?))?\s*$"
)


def agency_credits(text: str, byline: str = "") -> list[str]:
    """The agencies an article's text or byline credits, by their usual short names, in a fixed order."""
    credited = set()
    for match in _BRACKETS.finditer(text):
        agencies = _bracket_credit(match["names"])
        if any(len(agency) < 5 for agency in agencies) and not _DATELINE_END.match(text, match.end()):
            continue  # "the Palestinian Authority (PA) said": a credit in brackets is a dateline
        credited |= agencies
    # Each pattern only where its fixed words occur: scanning 4 KB for them is 20 times faster.
    matches = [
        match
        for line in text.splitlines()
        if _MAY_SIGN_OFF.search(tail := line[-SIGN_OFF_CHARS:]) and (match := _SIGN_OFF.search(tail))
    ]
    if "contributed to this" in text:
        matches += _CONTRIBUTED.finditer(text)
    if any(mark in text for mark in ("opyright", "OPYRIGHT", "©", "(c)", "(C)")):
        matches += _COPYRIGHT.finditer(text)
    credited |= {agency for match in matches for agency in _named(match, short_ok=False)}
    if "eporting by" in text and any(
        _signs_off(text, match.start()) for match in _REPORTING_BY.finditer(text)
    ):
        credited.add("Reuters")  # Reuters signs off "Reporting by ...; Editing by ..."
    for part in re.split(r"\s*[;/]\s*", byline.strip()):
        if match := _BYLINE.search(part):
            credited |= set(_named(match, short_ok=part.strip().lower().startswith("by ") or len(part) < 6))
    return [agency for agency in AGENCIES if agency in credited]


def _signs_off(text: str, start: int) -> bool:
    """Whether "Reporting by" at start (perhaps after "Additional ") begins a line or follows a bracket,
    with only spaces between."""
    ends = (start, start - len("Additional ")) if text.endswith("Additional ", 0, start) else (start,)
    for end in ends:
        spaces_start = len(text[:end].rstrip())  # rstrip() strips what \s matches
        if spaces_start == 0 or text[spaces_start - 1] == "(" or "\n" in text[spaces_start:end]:
            return True
    return False


def _bracket_credit(names: str) -> set[str]:
    """The agencies a bracket credits: all its parts must be agencies ("dpa/AFP", "AP")."""
    parts = [part.strip() for part in re.split(r"\s*[/,&]\s*|\s+and\s+", names)]
    credited = set()
    for part in parts:
        agency = next((agency for agency, pattern in _NAME.items() if re.fullmatch(pattern, part)), None)
        if agency is None:
            return set()  # "(AP Photo/Jane Doe)", "(Reuters Breakingviews column)"
        credited.add(agency)
    return credited


def _named(match: re.Match, short_ok: bool) -> list[str]:
    """The agency a match of _ANY_AGENCY names, if its name is trusted there."""
    return [
        agency
        for agency in AGENCIES
        if match.group(_group(agency)) and (short_ok or match.group(_group(agency)) not in _SHORT_NAMES)
    ]
