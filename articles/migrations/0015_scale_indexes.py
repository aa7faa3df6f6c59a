from django.db import migrations

# Indexes for the orderings and filters of the pages and admin lists at scale (issue 14): SQL only,
# the same on SQLite and PostgreSQL, so that the models (and their migrations' state) stay as they are.
INDEXES = {
    # Readers' story lists: confirmed stories, newest first, then by title.
    "articles_story_status_date_title": "articles_story (status, date, title)",
    # An outlet's articles by date (the home page's and an outlet page's latest).
    "articles_article_outlet_published": "articles_article (outlet_id, published_on)",
    # Words of text per outlet (the tag index's columns) read from the index, not from every row
    # with its body.
    "articles_article_outlet_words": "articles_article (outlet_id, word_count)",
    # The admin's reply and flag lists, in their models' order (oldest or newest first).
    "articles_reply_created": "articles_reply (created_at, id)",
    "articles_flag_created": "articles_flag (created_at, id)",
}


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0014_tag_counts"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX {name} ON {columns}", f"DROP INDEX {name}")
        for name, columns in INDEXES.items()
    ]
