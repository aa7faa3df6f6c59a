"""Every exported annotation and reply passes the MUST assertions of the W3C's Web Annotation
conformance suite (JSON Schema, draft-04), each standing alone; so does the collection."""

import json
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from articles.services.moderation import hide
from articles.services.replies import create_reply
from newsroom.accounts.models import Group, Membership, Role
from newsroom.api.export import ExportFilters, jsonld_chunks
from tests.base import annotate, make_article, make_outlet, make_story

pytestmark = pytest.mark.django_db

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "w3c-annotation-tests"
BASE = "https://newsroom.example"
BODY = (
    "Microsoft employees protested against a cloud contract with the army.\n\n"
    "The letter said the contract must end before the summer. Nadella answered in a memo."
)

# jsonschema checks no format unless told to: these two are the ones the assertions use.
FORMATS = FormatChecker(formats=())


@FORMATS.checks("uri")
def is_uri(value) -> bool:
    """An absolute URI: a scheme, and something after it."""
    if not isinstance(value, str):
        return True  # formats constrain strings only
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and not any(c.isspace() for c in value)


@FORMATS.checks("date-time")
def is_date_time(value) -> bool:
    """RFC 3339: a date, a time and a time zone."""
    if not isinstance(value, str):
        return True
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value and moment.tzinfo is not None


@pytest.fixture(scope="module")
def schemas():
    """The suite's folder, or a skip where it is absent (a failure on CI, where it must be)."""
    if not (SUITE / "annotations" / "annotationMusts.test").is_file():
        message = f"The W3C's conformance schemas are not in {SUITE}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SUITE


def registry(root: Path) -> Registry:
    """Every schema of the suite by its id ("annotations.json"), which their $refs name."""
    resources = []
    for path in root.rglob("*.json"):
        contents = json.loads(path.read_text())
        resources.append((contents.get("id", path.name), Resource.from_contents(contents, DRAFT4)))
    return Registry().with_resources(resources)


def assertions(root: Path, test_file: str) -> list[tuple[str, Draft4Validator]]:
    """The assertions a .test file lists, each as a validator, by its file name."""
    listed = json.loads((root / test_file).read_text())["assertions"]
    found = registry(root)
    validators = []
    for name in listed:
        schema = json.loads((root / name).read_text())
        assert schema["expectedResult"] == "valid"
        validators.append((name, Draft4Validator(schema, registry=found, format_checker=FORMATS)))
    return validators


def failures(validators, document: dict) -> list[str]:
    return [
        f"{name}: {error.message}"
        for name, validator in validators
        for error in list(validator.iter_errors(document))[:1]
    ]


@pytest.fixture(scope="module")
def annotation_musts(schemas):
    return assertions(schemas, "annotations/annotationMusts.test")


@pytest.fixture(scope="module")
def collection_musts(schemas):
    return assertions(schemas, "collections/collectionMusts.test")


@pytest.fixture
def sample(alice, bob, django_user_model):
    """Annotations of every shape, and replies: a note, tags alone, a bare highlight, private, for a
    group, hidden by a moderator; replies to an annotation and to a reply, one of them hidden."""
    mo = django_user_model.objects.create_user("mo", password="pw")
    team = Group.objects.create(name="Team", slug="team")
    for user, role in [(alice, Role.MEMBER), (bob, Role.MEMBER), (mo, Role.MODERATOR)]:
        Membership.objects.create(group=team, user=user, role=role)
    published = make_article(
        story=make_story(), outlet=make_outlet(), body=BODY, source_url="https://example.org/letter"
    )
    ours_only = make_article(body=BODY)  # no outlet, story or source URL
    noted = annotate(
        published, alice, "Microsoft employees", tags=["labour", "Élan 🙂"], note="Who **counts**?"
    )
    annotate(published, bob, "cloud contract", tags=["framing"])
    annotate(ours_only, alice, "the army")
    annotate(ours_only, alice, "Nadella", note="Mine", visibility="private")
    grouped = annotate(published, bob, "a memo", note="For the team", visibility="group", group=team)
    hide(item=grouped, moderator=mo)
    answer = create_reply(annotation=noted, author=bob, note="Three, *I think*.")
    create_reply(annotation=noted, author=alice, note="Thanks", parent=answer)
    hide(item=create_reply(annotation=grouped, author=bob, note="Off topic"), moderator=mo)
    return alice, mo


def exported(user, filters: ExportFilters | None = None) -> dict:
    return json.loads("".join(jsonld_chunks(BASE, user, filters or ExportFilters())))


def test_every_exported_annotation_and_reply_passes_the_w3c_musts(annotation_musts, sample):
    items = [item for user in sample for item in exported(user)["first"]["items"]]
    # The sample has every shape: else the test would prove less than it says.
    assert {item["motivation"] for item in items} == {"commenting", "tagging", "highlighting", "replying"}
    assert any(item.get("hidden") for item in items) and any(
        item.get("visibility") == "private" for item in items
    )
    assert len(items) == 2 * 8 - 1  # mo does not see alice's private note

    found = {item["id"]: failures(annotation_musts, item) for item in items}
    assert not any(found.values()), json.dumps(
        {iri: errors for iri, errors in found.items() if errors}, indent=1
    )


def test_the_collection_passes_the_w3c_collection_musts(collection_musts, sample):
    alice, _ = sample
    collection = exported(alice, ExportFilters(author="alice"))
    assert collection["total"] > 0
    assert not failures(collection_musts, collection)


def test_an_empty_collection_passes_them_too(collection_musts, alice):
    assert not failures(collection_musts, exported(alice))


@pytest.mark.parametrize(
    "breakage, assertion",
    [
        (lambda item: item.pop("@context"), "annotations/3.1-annotationContextValidated.json"),
        (
            lambda item: item.update({"@context": "http://example.org/other"}),
            "3.1-annotationContextValidated",
        ),
        (lambda item: item.pop("target"), "annotations/3.1-targetKeyFound.json"),
        (lambda item: item.pop("id"), "annotations/3.1-annotationIdValidated.json"),
        (lambda item: item.update({"type": "Note"}), "annotations/3.1-annotationTypeValidated.json"),
        (
            lambda item: item.update({"created": "yesterday"}),
            "annotations/3.3.1-annotationCreatedValidated.json",
        ),
        (lambda item: item.update({"modified": "2026-01-01"}), "3.3.1-annotationModifiedValidated.json"),
        (lambda item: item["target"].update({"source": "not a uri"}), "3.2-targetObjectsRecognized.json"),
        (lambda item: item.update({"bodyValue": "both"}), "annotations/3.2.5-notBodyBodyValue.json"),
    ],
)
def test_a_broken_annotation_fails_them(annotation_musts, alice, breakage, assertion):
    annotate(make_article(body=BODY), alice, "Microsoft employees", tags=["labour"], note="A note")
    [item] = exported(alice)["first"]["items"]
    assert not failures(annotation_musts, item)
    breakage(item)
    assert any(assertion in failure for failure in failures(annotation_musts, item))


def test_a_broken_collection_fails_them(collection_musts, alice):
    annotate(make_article(body=BODY), alice, "Microsoft employees", note="A note")
    collection = exported(alice)
    del collection["first"]
    assert any(
        "5.1-collectionFirstValidated" in failure for failure in failures(collection_musts, collection)
    )


def test_a_deleted_reply_kept_for_its_answers_passes_them_too(annotation_musts, alice, bob):
    from articles.services.replies import delete_reply

    root = annotate(make_article(body=BODY), alice, "Microsoft employees", note="A note")
    gone = create_reply(annotation=root, author=bob, note="Gone")
    create_reply(annotation=root, author=alice, note="Still here", parent=gone)
    delete_reply(reply=gone)
    collection = exported(alice)
    [placeholder] = [item for item in collection["first"]["items"] if item.get("deleted")]
    assert "body" not in placeholder and "creator" not in placeholder
    assert not failures(annotation_musts, placeholder)
    assert collection["total"] == len(collection["first"]["items"]) == 3
