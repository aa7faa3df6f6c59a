"""Step 3: the through table points at articles.Tag only."""

import django.db.models.deletion
import taggit.managers
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_copy_tags"),
    ]

    operations = [
        migrations.RemoveField(model_name="taggedannotation", name="tag"),
        migrations.RenameField(model_name="taggedannotation", old_name="new_tag", new_name="tag"),
        migrations.AlterField(
            model_name="taggedannotation",
            name="tag",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tagged_annotations",
                to="articles.tag",
            ),
        ),
        migrations.AlterField(
            model_name="annotation",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="articles.TaggedAnnotation",
                to="articles.Tag",
                verbose_name="Tags",
            ),
        ),
        migrations.AddConstraint(
            model_name="taggedannotation",
            constraint=models.UniqueConstraint(
                fields=("content_object", "tag"), name="unique_tag_per_annotation"
            ),
        ),
    ]
