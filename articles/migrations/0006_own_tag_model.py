"""Tags move from taggit's Tag to articles.Tag, which matches names by a key folded in Python
(the same on SQLite and PostgreSQL) and never has an empty or non-URL slug. Step 1: the tables."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_coverage"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="Tag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(allow_unicode=True, max_length=100, unique=True, verbose_name="slug"),
                ),
                ("key", models.CharField(editable=False, max_length=300, unique=True)),
            ],
            options={"ordering": ["key"]},
        ),
        migrations.AddField(
            model_name="annotation",
            name="edited_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RemoveConstraint(model_name="taggedannotation", name="unique_tag_per_annotation"),
        # Optional for the way back: 0008 drops this column, and undoing that re-adds it empty.
        migrations.AlterField(
            model_name="taggedannotation",
            name="tag",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="%(app_label)s_%(class)s_items",
                to="taggit.tag",
            ),
        ),
        migrations.AddField(
            model_name="taggedannotation",
            name="new_tag",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="articles.tag"
            ),
        ),
    ]
