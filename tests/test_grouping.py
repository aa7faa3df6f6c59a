"""Stories found automatically: the pure clustering (articles.text.grouping), the service that writes
proposals (articles.services.grouping), `manage.py group_stories` and the worker's job."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, SimilarArticle, Story
from articles.services.grouping import group_later, group_stories
from articles.text import grouping
from articles.text.grouping import DEFAULT_THRESHOLD, GROUPING_DAYS, Item, group_articles, vectorize
from newsroom.jobs.models import Job
from tests.base import make_article, make_outlet, make_story
from tests.tasking import run_queued_tasks

DAY = datetime.date(2024, 10, 9)

# Wire-based coverage as it arrives: one line per body, a dateline with the agency's credit, the
# same facts in other words; two storms and two court rulings in the same days.
STORM_LISBON = [
    (
        "Storm Kirk batters Portugal, leaving two dead",
        "LISBON (AP) - Storm Kirk swept across northern Portugal on Wednesday with gusts of 130 km/h, "
        "killing two people near Porto and cutting power to 300,000 homes, civil protection said.",
    ),
    (
        "Two killed as Storm Kirk hits Porto region",
        "Two people died when Storm Kirk hit the Porto region on Wednesday, Portugal's civil protection "
        "agency said. Gusts reached 130 km/h and 300,000 homes lost electricity.",
    ),
    (
        "Portugal counts the cost of Storm Kirk",
        "PORTO (Reuters) - Portugal began clearing fallen trees after Storm Kirk killed two people around "
        "Porto and left 300,000 homes without power, the civil protection agency said on Thursday.",
    ),
]
STORM_TAIPEI = [
    (
        "Typhoon Krathon slams southern Taiwan",
        "KAOHSIUNG (AFP) - Typhoon Krathon made landfall near Kaohsiung on Thursday with winds of 160 km/h, "
        "injuring 72 people and forcing 8,000 residents from their homes, officials said.",
    ),
    (
        "Krathon: thousands evacuated as typhoon hits Kaohsiung",
        "Some 8,000 residents of Kaohsiung were evacuated as Typhoon Krathon came ashore in southern Taiwan "
        "on Thursday. Officials said 72 people were injured by the storm's 160 km/h winds.",
    ),
]
RULING_WARSAW = [
    (
        "Polish court strikes down media law",
        "WARSAW (Reuters) - Poland's Constitutional Tribunal ruled on Wednesday that the media law breaches "
        "the constitution, in a 9-4 decision welcomed by press freedom groups.",
    ),
    (
        "Poland's top court rules media law unconstitutional",
        "The Constitutional Tribunal in Warsaw struck down Poland's media law on Wednesday by nine votes "
        "to four, after a challenge by press freedom groups.",
    ),
]
RULING_BOGOTA = [
    (
        "Colombia's court blocks pension reform",
        "BOGOTA (AP) - Colombia's Constitutional Court suspended the pension reform on Thursday, saying "
        "Congress skipped a required vote, a setback for President Gustavo Petro.",
    ),
    (
        "Petro's pension reform halted by Colombian judges",
        "Colombian judges halted President Gustavo Petro's pension reform on Thursday, ruling that "
        "Congress had skipped a required vote on the bill.",
    ),
]


def items(stories, *, date=DAY, first_id=1, outlets=("ap", "reuters", "afp", "bbc")) -> list[Item]:
    """Each story's articles from successive outlets, on the date."""
    made, key = [], first_id
    for story in stories:
        for outlet, (title, lede) in zip(outlets, story, strict=False):
            made.append(Item(key, outlet, date, title, lede))
            key += 1
    return made


def cosine(a: Item, b: Item, *others: Item) -> float:
    vectors = vectorize([a, b, *others])
    return float((vectors[0] @ vectors[1].T).toarray()[0, 0])


def clusters_of(grouping) -> list[set[int]]:
    return [set(cluster.ids) for cluster in grouping.clusters]


# The pure clustering


def test_it_groups_one_event_across_outlets_and_keeps_events_of_one_kind_apart():
    articles = items([STORM_LISBON, STORM_TAIPEI, RULING_WARSAW, RULING_BOGOTA])
    assert sorted(clusters_of(group_articles(articles)), key=min) == [{1, 2, 3}, {4, 5}, {6, 7}, {8, 9}]


def test_it_keeps_the_same_text_apart_when_published_too_far_apart():
    (title, lede), _, _ = STORM_LISBON
    near = [
        Item(1, "ap", DAY, title, lede),
        Item(2, "bbc", DAY + datetime.timedelta(days=GROUPING_DAYS), title, lede),
    ]
    far = [
        Item(1, "ap", DAY, title, lede),
        Item(2, "bbc", DAY + datetime.timedelta(days=GROUPING_DAYS + 1), title, lede),
    ]
    assert clusters_of(group_articles(near)) == [{1, 2}]
    assert group_articles(far).clusters == []
    assert group_articles(far).similar == {}


def test_it_does_not_chain_unrelated_articles_through_one_that_is_like_both():
    storm, ruling = STORM_LISBON[0], RULING_WARSAW[0]
    a = Item(1, "ap", DAY, *storm)
    c = Item(3, "afp", DAY, *ruling)
    # Half of each: like the storm and like the ruling, above the threshold both.
    b = Item(2, "reuters", DAY, f"{storm[0]}; {ruling[0]}", f"{storm[1]} {ruling[1]}")
    context = items([STORM_TAIPEI, RULING_BOGOTA], first_id=10)
    assert cosine(a, b, c, *context) >= DEFAULT_THRESHOLD and cosine(b, c, a, *context) >= DEFAULT_THRESHOLD
    assert cosine(a, c, b, *context) < 0.1

    found = clusters_of(group_articles([a, b, c, *context]))

    assert not any({1, 3} <= cluster for cluster in found)


def test_one_outlets_articles_alone_are_not_proposed_but_a_second_outlet_makes_a_story():
    series = [
        Item(key, "ap", DAY + datetime.timedelta(days=key), "Markets wrap: stocks rise as oil slides", lede)
        for key, lede in enumerate(
            ["Stocks rose on Monday as oil prices slid.", "Stocks rose again as oil slid."]
        )
    ]
    assert group_articles(series).clusters == []
    assert group_articles(series).similar == {}  # similar articles come from other outlets only

    other = Item(9, "reuters", DAY, "Stocks rise as oil slides", "Stocks rose on Monday as oil prices slid.")
    assert clusters_of(group_articles([*series, other])) == [{0, 1, 9}]


def test_undated_articles_are_grouped_with_undated_articles_only():
    dated = items([STORM_LISBON[:1]])
    undated = [
        Item(key + 10, outlet, None, *text)
        for key, (outlet, text) in enumerate(zip(["bbc", "afp"], STORM_LISBON, strict=False))
    ]
    assert clusters_of(group_articles(dated + undated)) == [{10, 11}]
    assert 1 not in group_articles(dated + undated).similar


def test_articles_of_unknown_outlets_count_as_outlets_of_their_own():
    unknown = [Item(key, None, DAY, title, lede) for key, (title, lede) in enumerate(STORM_TAIPEI)]
    assert clusters_of(group_articles(unknown)) == [{0, 1}]


def test_a_proposal_is_named_after_its_most_central_article_and_lists_it_first():
    grouping = group_articles(items([STORM_LISBON]))
    (cluster,) = grouping.clusters
    vectors = vectorize(items([STORM_LISBON]))
    centrality = (vectors @ vectors.T).toarray().sum(axis=1)
    central = int(centrality.argmax()) + 1
    assert cluster.ids[0] == central and cluster.title == STORM_LISBON[central - 1][0]


def test_each_article_lists_its_nearest_articles_from_other_outlets_most_similar_first():
    articles = items([STORM_LISBON, STORM_TAIPEI])
    articles.append(Item(20, "ap", DAY, STORM_LISBON[1][0], STORM_LISBON[1][1]))  # ap's own copy of #2

    similar = group_articles(articles).similar

    assert [other for other, _ in similar[1]] == sorted(
        [other for other, _ in similar[1]], key=lambda o: -dict(similar[1])[o]
    )
    assert {other for other, _ in similar[1]} == {2, 3}  # not #20, from its own outlet
    assert all(score >= 0.2 for others in similar.values() for _, score in others)
    assert dict(similar[2])[1] == dict(similar[1])[2]


def test_syndicated_copy_in_many_outlets_is_one_story_within_bounded_memory(monkeypatch):
    monkeypatch.setattr(grouping, "MOST_PAIRS", 5)  # pairs kept per article
    monkeypatch.setattr(grouping, "LARGEST_LINKED", 20)  # beyond: cut stricter, then kept whole
    title, lede = STORM_LISBON[0]
    copies = [Item(key, f"outlet-{key}", DAY, title, lede) for key in range(60)]
    other = items([RULING_WARSAW], first_id=100)

    found = group_articles(copies + other)

    assert clusters_of(found) == [set(range(60)), {100, 101}]
    assert all(len(others) <= grouping.SIMILAR_COUNT for others in found.similar.values())


def test_it_refuses_an_article_given_twice_or_a_threshold_out_of_range():
    article = items([STORM_LISBON[:1]])[0]
    with pytest.raises(ValueError):
        group_articles([article, article])
    with pytest.raises(ValueError):
        group_articles([article], threshold=1.5)


def test_articles_without_words_group_nothing():
    assert group_articles([Item(1, "a", DAY, "", ""), Item(2, "b", DAY, "The", "and of")]).clusters == []


# The service


def make_coverage(stories, *, date=DAY, outlets=None, story=None) -> list[list[Article]]:
    outlets = outlets or [make_outlet() for _ in range(4)]
    return [
        [
            make_article(outlet=outlet, title=title, body=lede, published_on=date, story=story)
            for outlet, (title, lede) in zip(outlets, texts, strict=False)
        ]
        for texts in stories
    ]


def proposals() -> list[set[int]]:
    return [
        set(story.articles.values_list("pk", flat=True))
        for story in Story.objects.filter(status=Story.Status.PROPOSED).order_by("pk")
    ]


@pytest.mark.django_db
def test_it_proposes_a_story_per_event_dated_by_its_first_article_with_similar_articles_kept():
    lisbon, taipei = make_coverage([STORM_LISBON, STORM_TAIPEI])
    lisbon[0].published_on = DAY - datetime.timedelta(days=1)
    lisbon[0].save()
    lone = make_article(outlet=make_outlet(), title="Museum reopens after renovation", published_on=DAY)

    summary = group_stories()

    assert (summary.proposed, summary.grouped, summary.looked_at) == (2, 5, 6)
    assert proposals() == [{a.pk for a in lisbon}, {a.pk for a in taipei}]
    story = Story.objects.get(articles=lisbon[1])
    assert story.status == Story.Status.PROPOSED and story.date == DAY - datetime.timedelta(days=1)
    assert story.title in {title for title, _ in STORM_LISBON}
    assert Article.objects.get(pk=lone.pk).story is None
    assert set(SimilarArticle.objects.filter(article=lisbon[0]).values_list("other", flat=True)) == {
        lisbon[1].pk,
        lisbon[2].pk,
    }


@pytest.mark.django_db
def test_running_it_twice_proposes_nothing_new():
    make_coverage([STORM_LISBON, RULING_WARSAW])
    group_stories()
    similar = sorted(SimilarArticle.objects.values_list("article", "other", "similarity"))

    summary = group_stories()

    assert (summary.proposed, summary.grouped, summary.joined) == (0, 0, 0)
    assert Story.objects.count() == 2
    assert sorted(SimilarArticle.objects.values_list("article", "other", "similarity")) == similar


@pytest.mark.django_db
def test_a_new_article_joins_the_proposal_of_its_event():
    outlets = [make_outlet() for _ in range(4)]
    (lisbon,) = make_coverage([STORM_LISBON[:2]], outlets=outlets)
    group_stories()
    (story,) = Story.objects.all()
    story.title = "Renamed by an editor"
    story.save()
    late = make_article(
        outlet=outlets[2], title=STORM_LISBON[2][0], body=STORM_LISBON[2][1], published_on=DAY
    )

    summary = group_stories()

    assert (summary.proposed, summary.joined) == (0, 1)
    assert Article.objects.get(pk=late.pk).story == story
    assert Story.objects.get().title == "Renamed by an editor"


@pytest.mark.django_db
def test_articles_of_confirmed_and_dismissed_stories_never_move_nor_make_proposals():
    confirmed, dismissed = make_story("Storm in Portugal"), make_story("Storm in Taiwan")
    dismissed.status = Story.Status.DISMISSED
    dismissed.save()
    outlets = [make_outlet() for _ in range(4)]
    (lisbon,) = make_coverage([STORM_LISBON[:2]], outlets=outlets, story=confirmed)
    (taipei,) = make_coverage([STORM_TAIPEI[:1]], outlets=outlets, story=dismissed)
    late = make_coverage([STORM_LISBON[2:], STORM_TAIPEI[1:]], outlets=outlets[2:])

    summary = group_stories()

    assert (summary.proposed, summary.grouped) == (0, 0)
    assert list(Story.objects.order_by("pk").values_list("status", flat=True)) == ["confirmed", "dismissed"]
    assert set(confirmed.articles.all()) == set(lisbon) and set(dismissed.articles.all()) == set(taipei)
    assert Article.objects.filter(story__isnull=True).count() == 2
    # The late article shows the confirmed story's articles as other coverage.
    assert set(SimilarArticle.objects.filter(article=late[0][0]).values_list("other", flat=True)) == {
        a.pk for a in lisbon
    }


@pytest.mark.django_db
def test_since_leaves_older_articles_alone():
    outlets = [make_outlet() for _ in range(4)]
    old = make_coverage([STORM_LISBON], outlets=outlets, date=DAY - datetime.timedelta(days=30))
    new = make_coverage([RULING_WARSAW], outlets=outlets)

    summary = group_stories(since=DAY - datetime.timedelta(days=1))

    assert summary.proposed == 1 and proposals() == [{a.pk for a in new[0]}]
    assert not Article.objects.filter(pk__in=[a.pk for a in old[0]], story__isnull=False).exists()
    assert not SimilarArticle.objects.filter(article__in=old[0]).exists()


@pytest.mark.django_db
def test_proposals_get_unique_slugs():
    Story.objects.create(
        title="Storm Kirk", slug="storm-kirk-batters-portugal-leaving-two-dead", status=Story.Status.DISMISSED
    )
    make_coverage([[STORM_LISBON[0], STORM_LISBON[0]]])  # the same title twice: the proposal's title

    group_stories()

    assert Story.objects.filter(status=Story.Status.PROPOSED).get().slug == (
        "storm-kirk-batters-portugal-leaving-two-dead-2"
    )


# The command and the job


@pytest.mark.django_db
def test_the_command_groups_and_prints_what_it_did():
    make_coverage([STORM_LISBON, STORM_TAIPEI])
    out = StringIO()

    call_command("group_stories", "--since", DAY.isoformat(), "--threshold", "0.35", stdout=out)

    assert out.getvalue().startswith("Grouped: 2 stories proposed for 5 articles")
    assert Story.objects.filter(status=Story.Status.PROPOSED).count() == 2


@pytest.mark.django_db
def test_a_higher_threshold_proposes_fewer_stories():
    make_coverage([STORM_LISBON, STORM_TAIPEI, RULING_WARSAW, RULING_BOGOTA])
    call_command("group_stories", "--threshold", "0.99", stdout=StringIO())
    assert not Story.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--since", "2024-13-01"], "--since must be a date"),
        (["--since", "yesterday"], "--since must be a date"),
        (["--threshold", "1.5"], "--threshold must be a similarity"),
        (["--threshold", "0"], "--threshold must be a similarity"),
        (["--threshold", "nan"], "--threshold must be a similarity"),
        (["--threshold", "high"], "--threshold must be a similarity"),
    ],
)
def test_the_command_refuses_bad_input_and_changes_nothing(arguments, message):
    make_coverage([STORM_LISBON])
    with pytest.raises(CommandError, match=message):
        call_command("group_stories", *arguments, stdout=StringIO())
    assert not Story.objects.exists() and not SimilarArticle.objects.exists()


@pytest.mark.django_db
def test_the_worker_groups_after_an_import_asks_it_to():
    make_coverage([STORM_LISBON])
    job = group_later()
    assert group_later() == job  # one waiting job is enough

    run_queued_tasks()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result["report"].startswith("Grouped: 1 stories proposed for 3 articles")
    assert Story.objects.get().status == Story.Status.PROPOSED
