"""Who a phrase names: the subject of an attribution ("union leader Mark Doyle", "the Foreign
Ministry", "a Channel Link spokeswoman", "she") read as a speaker.

Pure: no Django. The convention, one for every outlet so that the same speaker reads the same:

- a person is their surname as written, with its particle ("Doyle", "Al Mansouri", "Coffey-Marsh"),
  whatever titles and descriptions come before it ("Prime Minister", "Mr", "military analyst",
  "former U.S. ambassador to NATO");
- a title with no name is the title with its article ("the Prime Minister", "the Chancellor");
- an organisation is its name with the article the text gives it ("the Foreign Ministry",
  "the Centers for Disease Control", "Greenpeace", "police"), and its unnamed spokesperson or
  official speaks for it ("a Foreign Ministry spokesman", "a spokeswoman for the ministry");
- anyone else the text does not name is the noun phrase with "the" for a possessive ("the
  letter", "a spokeswoman", "one mother", "the wife" for "his wife");
- pronouns are left to the caller (quotes.py binds them to a nearby mention).

A run of capitalised words is a person when a title or honorific starts it, a known first name
is in it, or nothing says otherwise: no article before it ("the Met Office") and no
organisation word in it ("Ministry", "Agency", "Bank"). Gender, for binding "he" and "she", comes
from honorifics, gendered titles and nouns, and a short list of common first names.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from articles.text.words import without_possessive

MALE, FEMALE = "m", "f"

# Honorifics, with or without their dot, and the gender they tell.
HONORIFICS = {
    "mr": MALE, "mrs": FEMALE, "ms": FEMALE, "miss": FEMALE, "dr": None, "prof": None, "sir": MALE,
    "dame": FEMALE, "lord": MALE, "lady": FEMALE, "sen": None, "rep": None, "gov": None, "gen": None,
    "col": None, "capt": None, "rev": None, "sgt": None, "lt": None, "det": None, "insp": None,
    "supt": None, "fr": MALE, "mme": FEMALE, "mlle": FEMALE, "herr": MALE, "frau": FEMALE,
}  # fmt: skip
# Capitalised words that make up titles written before a name ("Defence Minister", "Commissioner
# of Police", "Secretary-General", "Senate Majority Leader"), and those that tell a gender.
TITLE_WORDS = frozenset(
    """
    President Vice Prime Minister Foreign Defence Defense Interior Finance Home Health Transport
    Education Environment Culture Justice Labour Labor Trade Energy Economy Agriculture Chancellor
    Secretary Secretary-General Under-Secretary General Commissioner Police Governor Mayor Senator
    Senate House Judge Director Chairman Chairwoman Chair Chief Executive CEO CFO COO Commander
    Ambassador Pope King Queen Prince Princess Speaker Leader Majority Minority Deputy First State
    Attorney Inspector Superintendent Detective Officer Spokesman Spokeswoman Spokesperson Coach
    Manager Captain Archbishop Bishop Cardinal Sheikh Emir Sultan Crown Lieutenant Colonel Major
    Sergeant Constable Premier Envoy Representative Congressman Congresswoman Councillor Councilor
    Professor Founder Editor Mr Mrs Ms Dr Sir Dame Lord Lady MP MEP MSP Sen Rep Gov Gen Justice
    Assistant Acting Interim Former Opposition Party Climate Security Affairs Development
    Communications Press Cabinet Emergency Services Immigration Housing Treasury Fisheries Tourism
    Sports Digital Science Technology Industry Infrastructure Welfare Pensions Work Social
    Northern Irish Scottish Welsh Shadow Auditor Registrar Coroner Magistrate Mufti Rabbi Imam
    """.split()
)
MALE_TITLES = frozenset("King Prince Sheikh Emir Sultan Chairman Spokesman Congressman Lord Sir".split())
FEMALE_TITLES = frozenset("Queen Princess Chairwoman Spokeswoman Congresswoman Lady Dame".split())
# Words joining the parts of a title or an organisation's name ("Minister for Climate",
# "Centers for Disease Control and Prevention").
CONNECTORS = frozenset("of for and on the".split())
# A capitalised name holding one of these is an organisation's, not a person's.
ORGANISATION_WORDS = frozenset(
    """
    Ministry Department Office Agency Commission Council Committee Party Union Bank Group Campaign
    Association Institute Centre Center Centers Centres Service Services Network Authority Court
    Government Administration International Organisation Organization Foundation Trust University
    College School Company Corporation Corp Inc Ltd Plc LLC Times News Post Herald Journal Press
    Agency League House Street Club Society Federation Coalition Alliance Fund Board Prevention
    Control Conference Hospital Clinic Police Army Navy Force Forces Guard Church Council Airlines
    Airways Motors Systems Technologies Labs Capital Securities Partners Holdings Media Mission
    Assembly Parliament Senate Congress Cabinet Kremlin Pentagon Palace Secretariat Bureau
    Directorate Embassy Consulate Institute Observatory Reserve Exchange Index Watch Movement
    Front Brigade Brigades Council Sciences Research Studies Review Monitor Unit Squad Committee
    """.split()
)
# Lower-case words for someone who speaks for an organisation: "a Foreign Ministry spokesman".
SPOKESPERSONS = frozenset(
    "spokesman spokeswoman spokesperson spokespeople official officials representative source sources".split()
)
MALE_NOUNS = frozenset(
    "man father husband son brother boy grandfather uncle spokesman chairman businessman congressman "
    "nephew king prince".split()
)
FEMALE_NOUNS = frozenset(
    "woman mother wife daughter sister girl grandmother aunt spokeswoman chairwoman businesswoman "
    "congresswoman niece queen princess actress widow".split()
)
# Lower-case nouns for people: the subject "one worker" is someone "he" or "she" may be.
PERSON_NOUNS = (
    MALE_NOUNS
    | FEMALE_NOUNS
    | frozenset(
        """
        person resident worker official spokesperson doctor nurse analyst engineer farmer teacher
        witness survivor victim neighbour neighbor trustee student parent passenger driver pilot
        soldier officer lawyer attorney judge minister secretary president chancellor mayor governor
        director manager executive founder economist researcher scientist expert professor activist
        campaigner protester protestor organiser organizer volunteer employee customer owner
        shopkeeper shopper commuter fan supporter player coach leader negotiator diplomat envoy
        ambassador lawmaker senator legislator councillor councilor candidate voter source adviser
        advisor aide consultant historian author writer journalist reporter editor friend relative
        patient mp
        """.split()
    )
)
# Common first names across languages, for a person's gender and for telling a name from a thing.
FEMALE_NAMES = frozenset(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty sandra
    margaret ashley kimberly emily donna michelle carol amanda melissa deborah stephanie rebecca
    sharon laura cynthia amy kathleen angela shirley brenda emma anna ann anne annie helen helena
    samantha katherine catherine christine debra rachel carolyn janet maria heather diane julie joyce
    victoria kelly christina joan evelyn lauren judith olivia martha cheryl megan andrea hannah
    jacqueline gloria teresa theresa therese sara janice julia grace judy denise marilyn beverly
    danielle natalie sophia sophie sofia rose diana abigail alice jane jean lucy claire clare chloe
    charlotte ellen eleanor elena irina olga natalia tatiana svetlana anastasia ekaterina yulia
    ingrid astrid sigrid kristin karin birgit ulrike ursula angela annalena marine segolene
    isabelle isabel isabella francoise brigitte camille ines carmen lucia dolores pilar rosa
    francesca giulia giorgia chiara paola silvia fatima aisha ayesha amina leila layla yasmin
    zainab maryam noor priya anjali sunita deepika kavita indira shreya mei ling yuki akiko keiko
    ji-yeon min-ji ngozi chiamaka adaeze amara folake funmilayo wanjiru grace kamala jacinda theresa
    nicola liz priti suella kemi rishi nadia farida rina sheikh-hasina benazir golda tsai ursula
    kaja christine jenny aileen fiona janet mairead siobhan roisin niamh gudrun katrin heidi
    lena mia nora eva vera dana lana kate kathryn caroline louise harriet lydia molly ruth esther
    miriam naomi leah deborah judith shira tamar yael noa
    """.split()
)
MALE_NAMES = frozenset(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald
    edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon
    benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam
    henry nathan douglas zachary peter kyle walter ethan jeremy harold keith christian roger noah
    gerald carl terry sean austin arthur lawrence jesse dylan bryan joe jordan billy bruce albert
    willie gabriel logan alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby
    philip phillip johnny tom tony bill bob jim mike dave chris nick ben sam alex ian neil simon
    martin hugh hugo oliver harry jeremy boris keir rishi nigel liam conor ciaran declan eamon
    seamus sean kieran fergus angus hamish alasdair callum ewan gordon alistair graham
    emmanuel francois jean-luc jacques pierre michel nicolas olivier francois-xavier gerhard olaf
    helmut wolfgang jurgen friedrich hans klaus dieter markus stefan lars sven nils erik anders
    magnus jens thor vidir bjorn giuseppe giovanni matteo mario luigi luca marco antonio carlos
    pedro pablo jorge luis miguel rodrigo alejandro javier diego fernando ricardo andres sergio
    vladimir dmitry sergei sergey alexei ivan mikhail viktor volodymyr petro oleksandr andriy
    dragan milos zoran aleksandar tomas tomasz piotr pawel jan karel viktor lajos istvan
    mohammed muhammad mohamed ahmed ahmad ali omar hassan hussein hussain khalid abdullah ibrahim
    yusuf youssef mustafa mahmoud karim tariq faisal hamid reza mehdi anwar imran nawaz shehbaz
    narendra rahul sanjay raj rajesh amit vijay sunil arvind anil ravi suresh ramesh manmohan
    xi li wei jun hiroshi takeshi kenji shinzo fumio kim moon yoon jae-in
    olusegun muhammadu bola goodluck cyril jacob nelson thabo uhuru william yoweri paul kwame
    abiy musa ali mahamat emmerson joe barack donald chuck josh mitch ted marco bernie kevin
    """.split()
)
_HONORIFIC = re.compile(
    r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady|Sen|Rep|Gov|Gen|Col|Capt|Rev|Sgt|Lt)\.?"
)
# Particles that belong to the surname after them: "Al Mansouri", "van der Berg", "de Gaulle".
PARTICLES = frozenset("al el bin ibn van von der den de del della di da du le la dos das abu ter".split())
# Words that open a subject only as its determiner: kept as "the" for a possessive, as written else.
DETERMINERS = {
    "the": "the", "his": "the", "her": "the", "its": "the", "their": "the", "our": "the", "a": "a",
    "an": "an", "one": "one", "another": "another", "some": "some", "two": "two", "several": "several",
}  # fmt: skip
# Capitalised words that are never a name: "said Smith on Friday".
TIME_WORDS = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December Today Yesterday Tonight".split()
)
PRONOUNS = frozenset("he she they it".split())
# Words that end a noun phrase: prepositions and the start of a relative clause.
PHRASE_ENDS = frozenset(
    "of from to by in at with for on who which whose that after before during when as while about".split()
)
GROUP_NOUNS = (
    "employees workers staff staffers signatories activists protesters protestors critics officials "
    "lawmakers executives organizers organisers engineers researchers members students residents"
).split()

# Adjectives of nationality: "a Russian official" speaks for no organisation the text names.
_NATIONALITY = re.compile(r"[A-Z][a-z]+(?:ian|ean|ese|ish|can|ch|i)")
_WORD = re.compile(r"[^\s,;:()]+")
_CAPITALISED = re.compile(r"(?:[A-Z][\w’'-]*|(?:[A-Z]\.){2,})$")


@dataclass(frozen=True)
class Speaker:
    name: str
    kind: str  # "person", "organisation", "group" or "other"
    gender: str | None = None


@lru_cache(maxsize=65_536)  # wire copy repeats its attributions across a story's articles
def read_subject(phrase: str, persons: frozenset[str] = frozenset()) -> Speaker | None:
    """The speaker an attribution's subject phrase names; None for a pronoun or no noun phrase.

    persons: surnames the text already uses for people, so that a lone "Doyle" is a person.
    """
    parts = [part.strip() for part in re.split(r",|\s[—–]\s|\(|\)", phrase) if part.strip()]
    # An apposition names the person: "the RMT's general secretary, Mick Lawson," -> Lawson;
    # a relative clause or an age does not: "Haines, 58," "the engineer, who asked ...".
    readings = [_read_part(part, persons) for part in parts if _is_noun_part(part)]
    readings = [reading for reading in readings if reading is not None]
    named = [reading for reading in readings if reading.kind == "person" and reading.name[:1].isupper()]
    if named:
        return named[-1]
    return readings[0] if readings else None


def _is_noun_part(part: str) -> bool:
    first = part.split()[0].lower()
    return not first[:1].isdigit() and first not in {"who", "which", "whose", "aged", "where", "when"}


def _read_part(part: str, persons: frozenset[str]) -> Speaker | None:
    words = _WORD.findall(part)
    # "Nadella in a statement released late Tuesday" is Nadella: the noun comes before "in a ..."
    words = words[: next((k for k in range(1, len(words) - 1) if _ends_noun(words, k)), len(words))]
    while words and (words[-1] in TIME_WORDS or words[-1][:1].isdigit()):
        words = words[:-1]  # "Smith on Friday", "the ministry in 2023"
    if not words or words[0].lower() in PRONOUNS:
        return None
    determiner = DETERMINERS.get(words[0].lower())
    if determiner:
        words = words[1:]
    if not words:
        return None
    if (words[-1][:1].isupper() or _HONORIFIC.fullmatch(words[-1])) and not _object_of_preposition(words):
        return _capitalised_end(words, determiner, persons)
    return _noun_phrase(words, determiner)


def _ends_noun(words: list[str], k: int) -> bool:
    """Whether a preposition at k ends the noun phrase: it is followed by lower-case words, not a name."""
    if words[k].lower() not in PHRASE_ENDS:
        return False
    following = [word for word in words[k + 1 : k + 3] if word.lower() != "the"]
    return bool(following) and not following[0][:1].isupper()


def _object_of_preposition(words: list[str]) -> bool:
    """Whether the name ending the phrase is where its noun is: "a doctor with the Red Crescent".

    Not when the name is a person's: "former ambassador to NATO Karen Whitlock".
    """
    start = _run_start(words)
    before = [word for word in words[:start] if word.lower() != "the"]
    run = words[start:]
    return (
        bool(before)
        and before[-1].lower() in PHRASE_ENDS
        and not (introduces_person(run) or any(_name_gender(word) for word in run[:-1]))
    )


def _capitalised_end(words: list[str], determiner: str | None, persons: frozenset[str]) -> Speaker | None:
    """The speaker named by a phrase ending in a capitalised name, title or organisation."""
    start = _run_start(words)
    run, before = words[start:], [word.lower() for word in words[:start]]
    name, gender = _after_titles(run)
    titled = len(name) < len(run)
    if not name:  # "the Prime Minister", "the Chancellor", "Police"
        if all(word in ORGANISATION_WORDS for word in run):
            return Speaker(" ".join(filter(None, [determiner, *run])), "organisation")
        return Speaker(" ".join([determiner or "the", *run]), "person", gender)
    if connector := next((k for k, word in enumerate(name) if word in CONNECTORS), None):
        # "Sarah Pike of the Flood Action Network" is Pike; "Department of Health" is one name
        if not any(word in ORGANISATION_WORDS for word in name[:connector]) and not determiner:
            name = name[:connector]
    first_name = next((k for k, word in enumerate(name[:-1]) if _name_gender(word)), None)
    if first_name is not None:
        name = name[first_name:]
        gender = gender or _name_gender(name[0])
    elif any(word in ORGANISATION_WORDS for word in name) or (determiner and not titled):
        return Speaker(
            " ".join(filter(None, [determiner if determiner == "the" else None, *run])), "organisation"
        )
    evidence = titled or first_name is not None or without_possessive(name[-1]) in persons
    if len(name) == 1 and not evidence and not before:
        return Speaker(without_possessive(name[0]), "other")  # "Greenpeace", or "Doyle" never titled
    return Speaker(surname(name), "person", gender or _noun_gender(before))


def _run_start(words: list[str]) -> int:
    """Where the capitalised run ending the phrase starts, connectors between capitals included."""
    start = len(words)
    while start > 0:
        word = words[start - 1]
        if _CAPITALISED.match(word) or _HONORIFIC.fullmatch(word):
            start -= 1
        elif (
            word in CONNECTORS
            and start - 1 > 0
            and _CAPITALISED.match(words[start - 2])
            and start < len(words)
        ):
            start -= 1
        else:
            break
    while start < len(words) and words[start] in CONNECTORS:
        start += 1
    return start


def _after_titles(run: list[str]) -> tuple[list[str], str | None]:
    """The words of a run after its last title or honorific, and the gender the titles tell.

    "European Commission President Anna Lindqvist" -> Anna Lindqvist; "Commissioner of Police
    Robert Haines" -> Robert Haines; "Foreign Ministry" stays whole: "Ministry" is no name.
    """
    gender, last = None, -1
    for k, word in enumerate(run):
        plain = word.rstrip(".")
        if _HONORIFIC.fullmatch(word):
            gender, last = gender or HONORIFICS.get(plain.lower()), k
        elif plain in TITLE_WORDS:
            gender = gender or (MALE if plain in MALE_TITLES else FEMALE if plain in FEMALE_TITLES else None)
            last = k
    rest = run[last + 1 :]
    while rest and rest[0] in CONNECTORS:
        rest = rest[1:]
    if last >= 0 and any(word in ORGANISATION_WORDS for word in rest):
        return run, None  # "Foreign Ministry", "Defence Ministry"
    return rest, gender


def surname(name: list[str]) -> str:
    """A person's last name, with the particle before it: "Khalid Al Mansouri" -> "Al Mansouri"."""
    words = [
        without_possessive(word) for word in name if not re.fullmatch(r"Jr\.?|Sr\.?|I{2,3}|[A-Z]\.", word)
    ]
    last = [words[-1]]
    if len(words) > 1 and words[-2].lower() in PARTICLES:
        last.insert(0, words[-2])
    return " ".join(last)


def _noun_phrase(words: list[str], determiner: str | None) -> Speaker | None:
    """A speaker named by a noun phrase: an organisation's spokesperson, a group or someone unnamed."""
    lower = [word.lower() for word in words]
    spokes = next((k for k, word in enumerate(lower) if word in SPOKESPERSONS), None)
    if spokes is not None:
        organisation = _organisation_around(words, spokes)
        if organisation:
            return Speaker(organisation, "organisation")
    end = next((k for k, word in enumerate(lower) if k and word in PHRASE_ENDS), len(words))
    noun = words[:end]
    if not noun or not noun[-1][:1].isalpha() or noun[-1].lower() in PHRASE_ENDS:
        return None
    head = noun[-1].lower()
    if not determiner and len(noun) == 1 and head in GROUP_NOUNS:
        return Speaker(f"the {head}", "group")
    text = " ".join([determiner or "", *(w if w[:1].isupper() else w.lower() for w in noun)]).strip()
    kind = "person" if head in PERSON_NOUNS else "group" if head in GROUP_NOUNS else "other"
    return Speaker(text, kind, _noun_gender(noun))


def _organisation_around(words: list[str], spokes: int) -> str | None:
    """The organisation a spokesperson speaks for: "a Northgrid spokesman", "an official of the UN"."""
    before = words[:spokes]
    if before and before[-1][:1].isupper():
        run = before[_run_start(before) :]
        # "a senior U.S. official", "a Russian official": a description, not the organisation's name
        described = len(run) < len(before) or (len(run) == 1 and _NATIONALITY.fullmatch(run[0]))
        return None if described else " ".join(run)
    after = words[spokes + 1 :]
    if len(after) >= 2 and after[0].lower() in {"for", "of", "at", "with", "from"}:
        rest = after[1:]
        article = "the" if rest[0].lower() == "the" else None
        rest = rest[1:] if article else rest
        if rest and rest[0][:1].isupper():
            run = rest[
                : next((k for k, w in enumerate(rest) if not (w[:1].isupper() or w in CONNECTORS)), len(rest))
            ]
            return " ".join(filter(None, [article, *run]))
        if rest:  # "a spokesman for the ministry"
            return " ".join(filter(None, [article, rest[0].lower()]))
    return None


def introduces_person(words: list[str]) -> bool:
    """Whether a run of capitalised words names a person by a title, an honorific or a first name."""
    if words[0].lower() == "the" and words[-1] in TITLE_WORDS:  # "The Chancellor delivered ..."
        return True
    return any(
        _HONORIFIC.fullmatch(word) or word.rstrip(".") in TITLE_WORDS or _name_gender(word)
        for word in words[:-1]
    )


def is_abbreviation(word: str) -> bool:
    """A word whose dot does not end a sentence: an honorific ("Mr."), an initial ("F."), "U.S."."""
    return bool(_HONORIFIC.fullmatch(word) or re.fullmatch(r"(?:[A-Za-z]\.)+|St\.|Jr\.|No\.", word))


def _name_gender(word: str) -> str | None:
    key = word.lower()
    return FEMALE if key in FEMALE_NAMES else MALE if key in MALE_NAMES else None


def _noun_gender(words: list[str]) -> str | None:
    for word in reversed(words):
        key = word.lower()
        if key in MALE_NOUNS:
            return MALE
        if key in FEMALE_NOUNS:
            return FEMALE
    return None
