"""Step 2: every tag in use becomes an articles.Tag; tags that differ only in case merge into the
first one (an annotation that carried both keeps one). The key and slug rules are frozen here as
articles.models.Tag had them when this was written."""

import unicodedata

from django.db import migrations
from django.utils.text import slugify


def key_for(name):
    return unicodedata.normalize("NFC", name.casefold())


def slug_for(name, taken):
    base = slugify(name, allow_unicode=True) or slugify(" ".join(unicodedata.name(c, "") for c in name))
    base = (base or "tag")[:90].strip("-")
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def copy_tags(apps, schema_editor):
    OldTag = apps.get_model("taggit", "Tag")
    Tag = apps.get_model("articles", "Tag")
    TaggedAnnotation = apps.get_model("articles", "TaggedAnnotation")
    used = OldTag.objects.filter(pk__in=TaggedAnnotation.objects.values("tag")).order_by("pk")
    by_key, slugs = {}, set()
    for old in used:
        key = key_for(old.name)
        if key not in by_key:
            by_key[key] = Tag.objects.create(name=old.name, key=key, slug=slug_for(old.name, slugs))
        TaggedAnnotation.objects.filter(tag=old).update(new_tag=by_key[key])
    seen = set()
    for pk, annotation, tag in TaggedAnnotation.objects.order_by("pk").values_list(
        "pk", "content_object", "new_tag"
    ):
        if (annotation, tag) in seen:
            TaggedAnnotation.objects.filter(pk=pk).delete()
        seen.add((annotation, tag))


def copy_tags_back(apps, schema_editor):
    """The way back: each row's tag as a taggit tag of the same name."""
    OldTag = apps.get_model("taggit", "Tag")
    TaggedAnnotation = apps.get_model("articles", "TaggedAnnotation")
    slugs = set(OldTag.objects.values_list("slug", flat=True))
    for tagged in TaggedAnnotation.objects.select_related("new_tag"):
        name = tagged.new_tag.name
        old = OldTag.objects.filter(name=name).first() or OldTag.objects.create(
            name=name, slug=slug_for(name, slugs)
        )
        TaggedAnnotation.objects.filter(pk=tagged.pk).update(tag=old)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_own_tag_model"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(copy_tags, copy_tags_back)]
