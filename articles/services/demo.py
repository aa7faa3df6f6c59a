"""The demo of a site served on this machine: two colleagues in one group, a few of their notes.

Their password is published (README), so management commands create them only for a site served
on this machine alone.
"""

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

# (author, words of the first article, visibility, tags, note)
DEMO_NOTES = [
    (DEMO_EDITOR, 4, Visibility.PUBLIC, ["claim"], "Who counted them?"),
    (DEMO_EDITOR, 12, Visibility.GROUP, ["framing"], "Compare with how the other outlets put it."),
    (DEMO_EDITOR, 20, Visibility.PRIVATE, ["to check"], "Only I see this one."),
    (DEMO_COLLEAGUE, 28, Visibility.GROUP, ["quote"], "Is this from the letter itself?"),
    (DEMO_COLLEAGUE, 36, Visibility.PUBLIC, ["loaded language"], ""),
]


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
    words = article.body.split(" ")
    for author, at, visibility, tags, note in DEMO_NOTES:
        if at >= len(words):
            continue
        start = len(" ".join(words[:at])) + 1
        exact = words[at].strip(".,;:“”\"'’") or words[at]
        create_annotation(
            article=article,
            author=authors[author],
            start=start,
            end=start + len(exact),
            exact=exact,
            tags=tags,
            note=note,
            visibility=visibility,
            group=group if visibility == Visibility.GROUP else None,
        )
