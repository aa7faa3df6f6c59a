"""The demo of a site served on this machine: two colleagues in one group, a few of their notes.

Their password is published (README), so management commands create them only for a site served
on this machine alone.
"""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from articles.models import Article
from articles.models.annotations import Visibility
from articles.services.annotations import create_annotation
from newsroom.accounts.models import Group, Membership
from newsroom.accounts.services import create_group

DEMO_PASSWORD = "newsroom-demo"
DEMO_EDITOR = "demo"  # a staff editor of articles
DEMO_COLLEAGUE = "colleague"
DEMO_GROUP = "Demo newsroom"

# (author, visibility, tags, note), each on the next sentence of the first article.
DEMO_NOTES = [
    (DEMO_EDITOR, Visibility.GROUP, ["framing"], "Compare with how the other outlets put it."),
    (DEMO_EDITOR, Visibility.PUBLIC, ["claim"], "Who counted them? No source is given."),
    (DEMO_COLLEAGUE, Visibility.GROUP, ["quote"], "Is this from the letter itself?"),
    (DEMO_EDITOR, Visibility.PRIVATE, ["to check"], "Only I see this one."),
    (DEMO_COLLEAGUE, Visibility.PUBLIC, ["loaded language"], ""),
]
# A sentence on one line: up to its full stop, question or exclamation mark, and a closing quote.
SENTENCE = re.compile(r"[^\s.!?][^.!?\n]*[.!?]+[”\"’]?")


@transaction.atomic
def create_demo_data() -> bool:
    """Create the two demo users, their group and their notes; False if they exist already."""
    users = get_user_model().objects
    if users.filter(username=DEMO_EDITOR).exists():
        return False
    editor = users.create_user(DEMO_EDITOR, password=DEMO_PASSWORD, is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    colleague = users.create_user(DEMO_COLLEAGUE, password=DEMO_PASSWORD)
    group = create_group(owner=editor, name=DEMO_GROUP, description="The demo's two colleagues.")
    Membership.objects.create(group=group, user=colleague)
    article = Article.objects.order_by("pk").first()
    if article:
        annotate_demo(article, {DEMO_EDITOR: editor, DEMO_COLLEAGUE: colleague}, group)
    return True


def annotate_demo(article: Article, authors: dict, group: Group) -> None:
    sentences = SENTENCE.finditer(article.body)
    for (author, visibility, tags, note), sentence in zip(DEMO_NOTES, sentences, strict=False):
        create_annotation(
            article=article,
            author=authors[author],
            start=sentence.start(),
            end=sentence.end(),
            exact=sentence[0],
            tags=tags,
            note=note,
            visibility=visibility,
            group=group if visibility == Visibility.GROUP else None,
        )
