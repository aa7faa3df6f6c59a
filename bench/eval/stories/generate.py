"""Write articles.json: the labelled set of bench/grouping_eval.py (run once; the JSON is committed).

    .venv/bin/python bench/eval/stories/generate.py [--seed 13]

Events of a dozen kinds (storms, earthquakes, court rulings, elections, rate decisions, layoffs,
strikes, crashes, wildfires, protests, summits, finals...), each covered by two to eight of nine
outlets over a few days: some outlets run the agency's copy with their own headline and a sentence
cut or added, others write their own article from the same facts in their own words and order.
Hard negatives on purpose: most events have a twin of the same kind within days (two storms, two
rulings, two elections), sharing the kind's whole vocabulary and differing in names, places and
numbers; one-outlet series (a daily markets report, a war live page, a weather outlook) and lone
articles of no story. Labels: "story" (an event's key, or null) and "series" (or null).
"""

import argparse
import datetime
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

OUTLETS = [
    "The Daily Ledger",
    "Global Herald",
    "Metro Post",
    "World Report",
    "Channel Nine News",
    "The Continental",
    "Pacific Observer",
    "Northern Star",
    "Capital Dispatch",
]
AGENCIES = ["AP", "Reuters", "AFP"]

PLACES = [
    ("the Philippines", "Manila", "Luzon"),
    ("Taiwan", "Kaohsiung", "Pingtung"),
    ("France", "Brest", "Brittany"),
    ("Mexico", "Acapulco", "Guerrero"),
    ("Japan", "Okinawa", "Kyushu"),
    ("Bangladesh", "Chittagong", "Cox's Bazar"),
    ("Ireland", "Galway", "Connacht"),
    ("Portugal", "Porto", "Minho"),
    ("Vietnam", "Da Nang", "Quang Nam"),
    ("Cuba", "Havana", "Pinar del Rio"),
    ("Greece", "Volos", "Thessaly"),
    ("Chile", "Valparaiso", "Vina del Mar"),
    ("Turkey", "Izmir", "Aegean coast"),
    ("Peru", "Arequipa", "Cusco"),
    ("Morocco", "Marrakech", "Atlas mountains"),
    ("Indonesia", "Surabaya", "East Java"),
    ("Canada", "Halifax", "Nova Scotia"),
    ("Italy", "Palermo", "Sicily"),
]
FIRST = (
    "Maria James Ana Peter Lucia Daniel Sofia Ahmed Elena Thomas Yuki Carlos Fatima Jonas Ingrid Omar".split()
)
LAST = (
    "Santos Walker Moreau Tanaka Novak Okafor Lindqvist Haddad Petrov Alvarez Kowalski Brennan Sato Dubois "
    "Mensah Rossi Nakamura Fischer Ortega Hughes"
).split()
STORM_NAMES = (
    "Ciaran Koinu Otis Mawar Babet Doksuri Hilary Freddy Gert Saola Lidia Norma Idalia Lan Khanun Jova"
).split()
COMPANIES = [
    "Veltrix",
    "Orbanet",
    "Castellan Motors",
    "Northwind Foods",
    "Heliora Energy",
    "Quantis Bank",
    "Brightline Airways",
    "Solenne Pharma",
    "Kestrel Steel",
    "Arcadia Retail",
    "Pellucid Networks",
    "Marrowgate Mining",
    "Tessaly Telecom",
    "Gryphon Logistics",
    "Lumenfield Chemicals",
    "Ostrava Glassworks",
    "Bluewater Shipping",
    "Cindral Software",
]
PARTIES = [
    "Social Democrats",
    "People's Alliance",
    "Liberal Union",
    "Green Left",
    "National Front",
    "Reform Party",
]
TEAMS = [
    "Real Valencia",
    "Olympique Nord",
    "Dynamo Brest",
    "Sporting Lisboa",
    "Atletico Sur",
    "FC Rheinland",
    "Union Tallinn",
    "Celtic Harbour",
    "Rapid Sofia",
    "Inter Palermo",
    "Ajax Coastal",
    "Benfica Norte",
    "Lokomotiv Varna",
    "Hajduk Split City",
    "Red Star Porto",
    "Galatasaray Izmir",
    "Boca Valparaiso",
    "River Plate Sur",
    "Young Boys Bern",
    "Slavia Praha United",
    "Zenit Baltic",
    "Feyenoord Haven",
]
UNIONS = ["rail workers", "nurses", "dock workers", "teachers", "airport staff", "postal workers"]

# Each kind: headlines (each outlet writing its own picks one), the facts' sentences in a few
# wordings each (an article says some of them, in its own order), and what commentary adds.
KINDS = {
    "storm": {
        "titles": [
            "{storm_kind} {storm} slams {country}, killing {dead}",
            "{dead} dead as {storm_kind} {storm} batters {region}",
            "{storm_kind} {storm} leaves {power} homes without power in {country}",
            "{country} counts cost of {storm_kind} {storm}",
            "{storm} makes landfall near {city} with {wind} km/h winds",
            "Thousands evacuated as {storm} hits {country}",
        ],
        "facts": [
            [
                "{storm_kind} {storm} made landfall near {city} on {weekday} with winds of {wind} km/h.",
                "{storm} came ashore close to {city} on {weekday}, packing gusts of up to {wind} km/h.",
            ],
            [
                "At least {dead} people were killed and {injured} injured, {agency_role} said.",
                "The storm killed {dead} people and injured {injured}, according to {agency_role}.",
            ],
            [
                "About {power} homes in {region} lost electricity.",
                "Power was cut to roughly {power} households across {region}.",
            ],
            [
                "Some {evacuated} residents had been moved to shelters before the storm arrived.",
                "Authorities evacuated {evacuated} people from low-lying areas ahead of {storm}.",
            ],
            [
                '"We have never seen rain like this in {city}," said {official}, the {official_role}.',
                '{official}, the {official_role}, told reporters: "The damage in {region} is enormous."',
            ],
            [
                "Flights at {city} airport were cancelled and schools stayed closed.",
                "Schools in {region} were shut and flights from {city} grounded.",
            ],
        ],
        "commentary": [
            "Forecasters expect {storm} to weaken as it moves inland over {region}.",
            "Scientists say warmer seas are making such storms stronger.",
            "Insurers said it was too early to estimate the losses.",
        ],
    },
    "quake": {
        "titles": [
            "Magnitude {magnitude} earthquake strikes {country}",
            "Earthquake near {city} kills {dead}",
            "{dead} killed as strong quake shakes {region}",
            "Rescuers search rubble after {country} quake",
            "Powerful {magnitude} quake rattles {city}",
        ],
        "facts": [
            [
                "A magnitude {magnitude} earthquake struck near {city} on {weekday}, "
                "the geological survey said.",
                "The {magnitude}-magnitude quake hit {region} on {weekday} at a depth of {depth} kilometres.",
            ],
            [
                "At least {dead} people were killed and {injured} hurt.",
                "The death toll rose to {dead}, with {injured} people injured, {agency_role} said.",
            ],
            [
                "Rescue teams were digging through collapsed buildings in {city}.",
                "Rescuers worked through the night to reach people trapped under rubble in {region}.",
            ],
            [
                "{official}, the {official_role}, declared three days of mourning.",
                '"Every minute counts," {official}, the {official_role}, said of the rescue.',
            ],
            [
                "Aftershocks of up to magnitude {aftershock} were felt hours later.",
                "Dozens of aftershocks, the largest of magnitude {aftershock}, followed.",
            ],
        ],
        "commentary": [
            "{country} lies on an active fault line and is often hit by earthquakes.",
            "Engineers have long warned that older buildings in {region} are not built to withstand quakes.",
        ],
    },
    "ruling": {
        "titles": [
            "{court} strikes down {country}'s {law}",
            "Court rules {law} unconstitutional in {country}",
            "{country} judges overturn {law} in blow to government",
            "{court} blocks {law}",
            "Landmark ruling: {law} ruled unlawful",
        ],
        "facts": [
            [
                "{country}'s {court} ruled on {weekday} that the {law} breaches the constitution.",
                "The {court} in {country} struck down the {law} on {weekday}.",
            ],
            [
                "The judges voted {votes_for} to {votes_against}.",
                "The decision was taken by {votes_for} votes to {votes_against}.",
            ],
            [
                "The case was brought by {plaintiff}, who argued the law was {complaint}.",
                "{plaintiff} had challenged the law as {complaint}.",
            ],
            [
                '"This is a victory for every citizen," said {official}, a lawyer for {plaintiff}.',
                '{official}, representing {plaintiff}, called the ruling "a victory for every citizen".',
            ],
            [
                "The government said it would study the judgment and could draft a new bill.",
                "Ministers said they respected the court but would look at new legislation.",
            ],
        ],
        "commentary": [
            "The {law} had been passed by parliament last year after a heated debate.",
            "Legal experts said the ruling could affect similar laws elsewhere.",
        ],
    },
    "election": {
        "titles": [
            "{party} wins {country} election",
            "{leader} claims victory in {country} vote",
            "{country} election: {party} ahead with {share}% of vote",
            "Voters in {country} hand {party} a majority",
            "{leader}'s {party} tops {country} poll",
        ],
        "facts": [
            [
                "The {party} won {share}% of the vote in {country}'s parliamentary election on {weekday}.",
                "With nearly all ballots counted, the {party} had {share}% in {country}'s election.",
            ],
            [
                "Its leader, {leader}, is set to become prime minister.",
                "{leader}, who leads the {party}, is expected to form the next government.",
            ],
            [
                "Turnout was {turnout}%, the electoral commission said.",
                "Some {turnout}% of voters cast a ballot.",
            ],
            [
                '"Tonight {country} chose change," {leader} told supporters in {city}.',
                '{leader} told a rally in {city}: "Tonight {country} chose change."',
            ],
            [
                "The {rival} came second with {rival_share}%.",
                "The rival {rival} trailed on {rival_share}%.",
            ],
        ],
        "commentary": [
            "The campaign was dominated by the cost of living and housing.",
            "Coalition talks could take weeks, analysts said.",
        ],
    },
    "rates": {
        "titles": [
            "{bank} raises interest rates to {rate}%",
            "{bank} lifts rates for {nth} time this year",
            "{country}'s central bank hikes rates to {rate}% to fight inflation",
            "Borrowing costs in {country} rise as {bank} acts",
        ],
        "facts": [
            [
                "The {bank} raised its main interest rate by {step} points to {rate}% on {weekday}.",
                "{country}'s central bank lifted its benchmark rate to {rate}%, up {step} points.",
            ],
            [
                "Inflation in {country} stood at {inflation}% last month.",
                "Consumer prices rose {inflation}% from a year earlier.",
            ],
            [
                'Governor {official} said the bank was "determined to bring inflation back to target".',
                '"We are determined to bring inflation back to target," governor {official} told reporters.',
            ],
            [
                "The {currency} rose after the announcement.",
                "The {currency} strengthened against the dollar after the decision.",
            ],
        ],
        "commentary": [
            "Economists had expected the move.",
            "Higher rates are squeezing households with mortgages.",
        ],
    },
    "layoffs": {
        "titles": [
            "{company} to cut {jobs} jobs",
            "{company} announces {jobs} layoffs as profits fall",
            "{company} shares slide after it says it will shed {jobs} jobs",
            "{jobs} jobs to go at {company}",
        ],
        "facts": [
            [
                "{company} said on {weekday} it would cut {jobs} jobs, about {jobs_share}% of its workforce.",
                "{company} plans to shed {jobs} jobs, or {jobs_share}% of staff, it announced on {weekday}.",
            ],
            [
                "Quarterly profit fell {profit_drop}% to {profit} million dollars.",
                "The company reported a {profit_drop}% fall in profit, to {profit} million dollars.",
            ],
            [
                'Chief executive {official} said the cuts were "painful but necessary".',
                '"These decisions are painful but necessary," chief executive {official} said.',
            ],
            [
                "Shares in {company} fell {share_drop}% in early trading.",
                "{company} stock dropped {share_drop}% after the announcement.",
            ],
            [
                "Most of the cuts will fall on its offices in {city}.",
                "Staff in {city} will be the worst affected.",
            ],
        ],
        "commentary": [
            "Unions said they would fight the job losses.",
            "The sector has been hit by weak demand and rising costs.",
        ],
    },
    "strike": {
        "titles": [
            "{union_cap} in {country} walk out over pay",
            "Strike by {union} halts services across {country}",
            "{country} hit by {union} strike",
            "{union_cap} strike for {strike_days} days in pay dispute",
        ],
        "facts": [
            [
                "Thousands of {union} in {country} began a {strike_days}-day strike on {weekday}.",
                "{union_cap} across {country} walked out on {weekday} for {strike_days} days.",
            ],
            [
                "They are demanding a pay rise of {pay}% to keep up with prices.",
                "The union wants a {pay}% rise; the government has offered {offer}%.",
            ],
            [
                '"We have been left with no choice," union leader {official} said in {city}.',
                'Union leader {official} told a crowd in {city}: "We have been left with no choice."',
            ],
            [
                "The government offered {offer}% and called the strike irresponsible.",
                "Ministers said the {offer}% offer was fair.",
            ],
        ],
        "commentary": [
            "It is the third walkout this year.",
            "Talks are expected to resume next week.",
        ],
    },
    "crash": {
        "titles": [
            "{vehicle_cap} crash near {city} kills {dead}",
            "{dead} dead after {vehicle} crashes in {country}",
            "Investigators search for cause of {city} {vehicle} crash",
            "{country} mourns {dead} killed in {vehicle} disaster",
        ],
        "facts": [
            [
                "A {vehicle} carrying {aboard} people crashed near {city} on {weekday}.",
                "The {vehicle}, with {aboard} people on board, crashed outside {city} on {weekday}.",
            ],
            [
                "At least {dead} people died, {agency_role} said.",
                "{dead} people were killed and {injured} injured.",
            ],
            [
                "Investigators recovered the data recorders and were examining {cause}.",
                "Officials said {cause} was being looked at as a possible cause.",
            ],
            [
                '"Our thoughts are with the families," {official}, the {official_role}, said.',
                '{official}, the {official_role}, said: "Our thoughts are with the families."',
            ],
        ],
        "commentary": [
            "It is the worst such accident in {country} in a decade.",
            "Safety campaigners have called for an inquiry.",
        ],
    },
    "wildfire": {
        "titles": [
            "Wildfire forces thousands to flee near {city}",
            "{region} wildfire burns {hectares} hectares",
            "Firefighters battle blaze in {region}, {country}",
            "{country} wildfire: villages evacuated near {city}",
        ],
        "facts": [
            [
                "A wildfire in {region} has burned {hectares} hectares since {weekday}.",
                "The fire near {city} has scorched {hectares} hectares of forest.",
            ],
            [
                "{evacuated} residents were ordered to leave their homes.",
                "Authorities evacuated {evacuated} people from villages around {city}.",
            ],
            [
                "More than {firefighters} firefighters and {planes} water-bombing planes were deployed.",
                "Some {firefighters} firefighters, backed by {planes} aircraft, fought the flames.",
            ],
            [
                '"The wind is our biggest enemy," said {official}, the {official_role}.',
                "{official}, the {official_role}, said strong winds were spreading the fire.",
            ],
        ],
        "commentary": [
            "Temperatures have topped 40C in parts of {country} this week.",
            "Scientists link longer fire seasons to climate change.",
        ],
    },
    "protest": {
        "titles": [
            "Tens of thousands protest in {city} over {grievance}",
            "{city} protesters clash with police over {grievance}",
            "Mass rally in {country} against {grievance}",
            "Police use tear gas on {city} protest",
        ],
        "facts": [
            [
                "About {crowd} people marched through {city} on {weekday} to protest against {grievance}.",
                "Some {crowd} demonstrators gathered in central {city} on {weekday} over {grievance}.",
            ],
            [
                "Police fired tear gas and arrested {arrests} people.",
                "{arrests} people were detained after clashes with police.",
            ],
            [
                '"We will not go home until they listen," said {official}, one of the organisers.',
                'Organiser {official} said protesters "will not go home until they listen".',
            ],
            [
                "The interior ministry said {police_hurt} officers were hurt.",
                "{police_hurt} police officers were injured, the interior ministry said.",
            ],
        ],
        "commentary": [
            "Further protests are planned for next week.",
            "The government has refused to back down.",
        ],
    },
    "summit": {
        "titles": [
            "{leader} and {leader2} meet in {city}, agree on {deal}",
            "{country} and {country2} sign {deal} deal",
            "Leaders of {country} and {country2} hold talks in {city}",
            "{deal} agreed at {city} summit",
        ],
        "facts": [
            [
                "{leader} of {country} and {leader2} of {country2} met in {city} on {weekday}.",
                "The leaders of {country} and {country2}, {leader} and {leader2}, "
                "held talks in {city} on {weekday}.",
            ],
            [
                "They signed an agreement on {deal} worth {value} billion dollars.",
                "The two sides agreed a {value} billion dollar deal on {deal}.",
            ],
            [
                '"This is a new chapter," {leader} said at a joint news conference.',
                '{leader} called the meeting "a new chapter" between the two countries.',
            ],
            [
                "{leader2} said the two countries would also cooperate on security.",
                "Security cooperation was also discussed, {leader2} said.",
            ],
        ],
        "commentary": [
            "Relations between the two had been strained for years.",
            "Critics said the deal lacked detail.",
        ],
    },
    "final": {
        "titles": [
            "{team} beat {team2} {score} to win the {cup}",
            "{team} lift {cup} after {score} win over {team2}",
            "{cup} final: {team} {score} {team2}",
            "{player} double gives {team} the {cup}",
        ],
        "facts": [
            [
                "{team} beat {team2} {score} in the {cup} final in {city} on {weekday}.",
                "{team} won the {cup} on {weekday}, defeating {team2} {score} in {city}.",
            ],
            [
                "{player} scored twice, including a header in the {minute}th minute.",
                "Two goals from {player}, the second in the {minute}th minute, decided the match.",
            ],
            [
                '"This is for the fans," {player} said after the final whistle.',
                '{player} said: "This is for the fans."',
            ],
            [
                "A crowd of {crowd} watched at the national stadium.",
                "{crowd} supporters filled the stadium.",
            ],
        ],
        "commentary": [
            "It is the club's first trophy in {years} years.",
            "The coach is expected to sign a new contract.",
        ],
    },
}
GRIEVANCES = [
    "pension reform",
    "fuel prices",
    "a new mining law",
    "election fraud",
    "water shortages",
    "rent rises",
]
LAWS = ["surveillance law", "pension reform", "media law", "asylum law", "abortion ban", "voting law"]
COURTS = ["Supreme Court", "Constitutional Court", "High Court"]
DEALS = ["energy", "trade", "semiconductors", "gas supplies", "migration", "infrastructure"]
CUPS = ["Champions Cup", "National Cup", "Continental Trophy", "Super Cup"]
VEHICLES = ["plane", "bus", "train", "ferry"]
CAUSES = ["engine failure", "bad weather", "excessive speed", "a signalling fault"]
CURRENCIES = ["peso", "krona", "lira", "rand", "won", "zloty"]
ROLES = [
    "civil protection chief",
    "regional governor",
    "mayor of {city}",
    "interior minister",
    "health minister",
]
AGENCY_ROLES = ["the civil protection agency", "local officials", "the health ministry", "emergency services"]
FILLER = [
    "The full impact was not yet clear.",
    "More details are expected later on {weekday}.",
    "Officials urged people to follow updates on local media.",
    "The news was widely shared on social media.",
]
# An outlet's own angle: background and context in its own words, which rewrites add and which
# dilute what two articles about one event share.
ANGLES = [
    "Our correspondent in {city} said the mood in the streets was tense.",
    "The government has faced mounting criticism over its handling of a string of crises this year.",
    "Opposition parties demanded answers and called for a debate in parliament.",
    "Residents interviewed on local television described scenes of confusion.",
    "It comes weeks before a key vote on the national budget.",
    "Neighbouring countries offered help and said they were following developments closely.",
    "The episode revived an old debate about how prepared the country is.",
    "Critics say warnings were ignored for years.",
    "Analysts said the events could weigh on the economy in the coming months.",
    "Social media users shared videos that could not be independently verified.",
    "International observers called for calm.",
    "A similar event last year led to weeks of political wrangling.",
    "Local businesses said they feared for their future.",
    "Questions remain about who will pay for the damage and the response.",
]
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
SYNONYMS = [
    ("said", "told reporters"),
    ("killed", "left dead"),
    ("About ", "Around "),
    ("at least", "no fewer than"),
    ("officials", "authorities"),
    ("began", "started"),
]


def person(rng) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# What tells two events of a kind apart, as in the news: never the same for two events of a kind
# (two storms in one country in a week, one company's two rounds of layoffs are not in the set).
DISTINCT = {"storm": ["storm"], "layoffs": ["company"], "final": ["team", "team2"], "summit": ["country2"]}


def facts_of(kind: str, rng: random.Random, used: dict[str, set] | None = None) -> dict:
    """An event's facts, whose country and distinctive names differ from those of the kind's
    other events (`used`, updated)."""
    used = {} if used is None else used
    keys = ["country", *DISTINCT.get(kind, [])]
    taken = used.setdefault(kind, set())
    while True:
        facts = any_facts(rng)
        if not any((key, facts[key]) in taken for key in keys):
            taken.update((key, facts[key]) for key in keys)
            return facts


def any_facts(rng: random.Random) -> dict:
    """An event's facts: names, places and numbers that its articles state."""
    country, city, region = rng.choice(PLACES)
    country2 = rng.choice([p[0] for p in PLACES if p[0] != country])
    team, team2 = rng.sample(TEAMS, 2)
    party, rival = rng.sample(PARTIES, 2)
    union = rng.choice(UNIONS)
    vehicle = rng.choice(VEHICLES)
    facts = {
        "country": country,
        "city": city,
        "region": region,
        "country2": country2,
        "storm": rng.choice(STORM_NAMES),
        "storm_kind": rng.choice(["Storm", "Typhoon", "Hurricane", "Cyclone"]),
        "dead": rng.randint(2, 60),
        "injured": rng.randint(10, 400),
        "power": f"{rng.randint(20, 900) * 1000:,}",
        "evacuated": f"{rng.randint(2, 90) * 1000:,}",
        "wind": rng.randint(110, 260),
        "magnitude": f"{rng.uniform(5.4, 7.9):.1f}",
        "aftershock": f"{rng.uniform(4.0, 5.3):.1f}",
        "depth": rng.randint(8, 60),
        "court": rng.choice(COURTS),
        "law": rng.choice(LAWS),
        "votes_for": rng.randint(5, 9),
        "votes_against": rng.randint(1, 4),
        "plaintiff": rng.choice(["a group of opposition MPs", "a civil liberties group", "two journalists"]),
        "complaint": rng.choice(["discriminatory", "an attack on privacy", "against free speech"]),
        "party": party,
        "rival": rival,
        "leader": person(rng),
        "leader2": person(rng),
        "share": rng.randint(28, 52),
        "rival_share": rng.randint(15, 27),
        "turnout": rng.randint(48, 81),
        "bank": f"Bank of {country}" if rng.random() < 0.5 else f"{country} Reserve Bank",
        "rate": f"{rng.uniform(2, 11):.2f}",
        "step": rng.choice(["0.25", "0.5", "0.75"]),
        "nth": rng.choice(["third", "fourth", "fifth"]),
        "inflation": f"{rng.uniform(3, 12):.1f}",
        "currency": rng.choice(CURRENCIES),
        "company": rng.choice(COMPANIES),
        "jobs": f"{rng.randint(3, 120) * 100:,}",
        "jobs_share": rng.randint(3, 20),
        "profit_drop": rng.randint(10, 70),
        "profit": rng.randint(40, 2000),
        "share_drop": rng.randint(2, 15),
        "union": union,
        "union_cap": union.capitalize(),
        "strike_days": rng.randint(2, 5),
        "pay": rng.randint(8, 15),
        "offer": rng.randint(2, 6),
        "vehicle": vehicle,
        "vehicle_cap": vehicle.capitalize(),
        "aboard": rng.randint(20, 180),
        "cause": rng.choice(CAUSES),
        "hectares": f"{rng.randint(2, 80) * 1000:,}",
        "firefighters": rng.randint(200, 2000),
        "planes": rng.randint(4, 30),
        "grievance": rng.choice(GRIEVANCES),
        "crowd": f"{rng.randint(5, 200) * 1000:,}",
        "arrests": rng.randint(10, 300),
        "police_hurt": rng.randint(3, 60),
        "deal": rng.choice(DEALS),
        "value": rng.randint(2, 40),
        "team": team,
        "team2": team2,
        "cup": rng.choice(CUPS),
        "score": f"{rng.randint(1, 4)}-{rng.randint(0, 1)}",
        "player": person(rng),
        "minute": rng.randint(12, 89),
        "years": rng.randint(5, 40),
        "official": person(rng),
        "agency_role": rng.choice(AGENCY_ROLES),
    }
    facts["official_role"] = rng.choice(ROLES).format(city=city)
    facts["weekday"] = "{weekday}"  # each article's own, from its date
    return facts


def fill(template: str, facts: dict) -> str:
    return template.format(**facts)


def vary(sentence: str, rng: random.Random) -> str:
    """A rewrite's small differences of wording."""
    for old, new in SYNONYMS:
        if old in sentence and rng.random() < 0.3:
            sentence = sentence.replace(old, new, 1)
    return sentence


def wire_copy(kind: str, facts: dict, rng: random.Random) -> list[str]:
    """The agency's article: every fact in its first wording, in order, and some commentary."""
    spec = KINDS[kind]
    sentences = [fill(wordings[0], facts) for wordings in spec["facts"]]
    sentences += [fill(line, facts) for line in spec["commentary"]]
    return sentences


def own_article(kind: str, facts: dict, rng: random.Random) -> list[str]:
    """An outlet's own article: some facts, each in one of its wordings, the first fact first."""
    spec = KINDS[kind]
    chosen = [spec["facts"][0]] + rng.sample(spec["facts"][1:], rng.randint(1, len(spec["facts"]) - 2))
    rest = chosen[1:]
    rng.shuffle(rest)
    sentences = [vary(fill(rng.choice(wordings), facts), rng) for wordings in [chosen[0], *rest]]
    if rng.random() < 0.6:
        sentences.append(fill(rng.choice(spec["commentary"]), facts))
    if rng.random() < 0.4:
        sentences.insert(rng.randint(1, len(sentences)), fill(rng.choice(FILLER), facts))
    for angle in rng.sample(ANGLES, rng.randint(1, 3)):
        sentences.insert(rng.randint(1, len(sentences)), fill(angle, facts))
    if rng.random() < 0.3:  # a feature lede: an angle and a later fact before what happened
        sentences[:0] = [fill(rng.choice(ANGLES), facts), sentences.pop(rng.randint(1, len(sentences) - 1))]
    return sentences


def event_articles(key: str, kind: str, facts: dict, date: datetime.date, rng: random.Random) -> list[dict]:
    """Two to eight outlets' articles about the event, over its first days."""
    outlets = rng.sample(OUTLETS, rng.choices([2, 3, 4, 5, 6, 8], weights=[3, 4, 4, 3, 2, 1])[0])
    agency = rng.choice(AGENCIES)
    titles = rng.sample(KINDS[kind]["titles"], min(len(outlets), len(KINDS[kind]["titles"])))
    articles = []
    for number, outlet in enumerate(outlets):
        if rng.random() < 0.45:  # the agency's copy: a sentence cut, its credit kept
            sentences = wire_copy(kind, facts, rng)
            if rng.random() < 0.5:
                del sentences[rng.randint(1, len(sentences) - 1)]
            sentences[0] = f"{facts['city'].upper()} ({agency}) - {sentences[0]}"
        else:
            sentences = own_article(kind, facts, rng)
        title = fill(titles[number % len(titles)], facts)
        day = date + datetime.timedelta(days=rng.choices([0, 1, 2], weights=[6, 3, 1])[0])
        articles.append(article(key, None, outlet, day, title, sentences))
    return articles


def article(story, series, outlet, date, title, sentences) -> dict:
    weekday = WEEKDAYS[date.weekday()]
    body = " ".join(sentences).replace("{weekday}", weekday)
    return {
        "story": story,
        "series": series,
        "outlet": outlet,
        "date": date.isoformat(),
        "title": title,
        "body": body,
    }


def series_articles(rng: random.Random, start: datetime.date) -> list[dict]:
    """One outlet's daily reports: same shape and words every day, no one event."""
    made = []
    outlet = rng.choice(OUTLETS)
    for day in range(6):
        date = start + datetime.timedelta(days=day)
        move = rng.choice(["rise", "fall", "edge higher", "slip"])
        reason = rng.choice(["rate worries", "strong earnings", "oil prices", "jobs data", "trade hopes"])
        sentences = [
            f"Stocks {move} on {WEEKDAYS[date.weekday()]} as investors weigh {reason}.",
            f"The main index closed {rng.uniform(0.1, 2):.1f}% {'up' if 'i' in move else 'down'}.",
            f"Shares in {rng.choice(COMPANIES)} led the moves after {reason}.",
            "Bond yields and the dollar were little changed.",
        ]
        made.append(
            article(
                None, "markets", outlet, date, f"Markets wrap: stocks {move} as {reason} weigh", sentences
            )
        )
    outlet = rng.choice(OUTLETS)
    for day in range(5):
        date = start + datetime.timedelta(days=day + 10)
        sentences = [
            f"Live updates on the conflict, day {210 + day}.",
            "Shelling was reported near the front line overnight, officials said.",
            f"{rng.randint(2, 30)} drones were shot down, the defence ministry said.",
            "Diplomatic efforts continued, with talks planned in the coming days.",
        ]
        made.append(
            article(None, "live", outlet, date, f"War live: day {210 + day} of the conflict", sentences)
        )
    outlet = rng.choice(OUTLETS)
    for day in range(4):
        date = start + datetime.timedelta(days=day * 2 + 20)
        sentences = [
            "The week ahead brings a mix of sunshine and showers.",
            f"Temperatures will reach {rng.randint(14, 31)}C in the south "
            f"by {WEEKDAYS[(date.weekday() + 2) % 7]}.",
            "Winds will pick up along the coast later in the week.",
        ]
        made.append(
            article(None, "weather", outlet, date, "Weather outlook: sunshine and showers ahead", sentences)
        )
    return made


def lone_articles(rng: random.Random, start: datetime.date, count: int, used: dict) -> list[dict]:
    """Articles of no story: one outlet's take on an event nobody else covered."""
    made = []
    for _ in range(count):
        kind = rng.choice(list(KINDS))
        facts = facts_of(kind, rng, used)
        date = start + datetime.timedelta(days=rng.randint(0, 60))
        made.append(
            article(
                None,
                None,
                rng.choice(OUTLETS),
                date,
                fill(rng.choice(KINDS[kind]["titles"]), facts),
                own_article(kind, facts, rng),
            )
        )
    return made


def generate(seed: int) -> list[dict]:
    rng = random.Random(seed)
    start = datetime.date(2024, 3, 1)
    articles = []
    number = 0
    used: dict[str, set] = {}
    for kind in KINDS:
        for _ in range(rng.randint(3, 5)):  # events of one kind: twins within days of each other
            number += 1
            date = start + datetime.timedelta(days=rng.randint(0, 60))
            articles += event_articles(f"{kind}-{number}", kind, facts_of(kind, rng, used), date, rng)
            if rng.random() < 0.6:
                number += 1
                twin = date + datetime.timedelta(days=rng.randint(0, 3))
                articles += event_articles(f"{kind}-{number}", kind, facts_of(kind, rng, used), twin, rng)
    articles += series_articles(rng, start)
    articles += lone_articles(rng, start, 30, used)
    rng.shuffle(articles)
    for index, item in enumerate(articles, 1):
        item["id"] = index
    return articles


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=13)
    articles = generate(parser.parse_args().seed)
    (HERE / "articles.json").write_text(json.dumps(articles, indent=1, ensure_ascii=False) + "\n")
    stories = {item["story"] for item in articles if item["story"]}
    print(f"{len(articles)} articles, {len(stories)} stories")


if __name__ == "__main__":
    main()
