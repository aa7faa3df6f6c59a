"""Tag counts for the tag index and tag pages: how many passages everyone sees carry each tag, per
outlet, kept by database triggers.

Everyone sees a passage that is live, public, not hidden by a moderator and anchored (what
Annotation.objects.visible_to(), shown_in_full_to() and anchored() keep for an anonymous reader);
a signed-in reader's own and group layers are counted on top when asked (queries.tags), from their
much smaller sets. The triggers change the counts in the transaction of the write, whoever makes it
(the services, the admin, the importer, a bulk delete), so a GET only reads them: a tag link added
or removed, an annotation deleted, made public or not, hidden or shown, orphaned, and an article
moved to another outlet. They never make a row from a subtraction, so a count table emptied before
the links (a test database flushed) is not filled with negatives; rows at zero stay (bounded by
tags x outlets) and are read as absent.

Every change that a page built from the counts could show (any annotation's tags, audience or
moderation; an article's title, story or outlet; a story's or outlet's name) raises
TagCountVersion's version: part of the cache keys of those pages. Its epoch is drawn again when
the row is made, so that a database emptied and filled again never meets an old key.

SQLite drops a table's triggers when a migration remakes the table: after `migrate`, build() runs
again if any is missing (as for the search index). The SQL is built from this module's constants
only (`# nosec B608`).
"""

from django.db import connection, models, transaction
from django.db.models.signals import post_migrate

from articles.models.annotations import Tag

COUNTS = "articles_tagoutletcount"
VERSION = "articles_tagcountversion"
PREFIX = "tag_counts_"
# An INSERT of (tag_id, outlet_key, passages) rows adds them to the counts there.
UPSERT = f"ON CONFLICT (tag_id, outlet_key) DO UPDATE SET passages = {COUNTS}.passages + excluded.passages"  # nosec B608


class TagOutletCount(models.Model):
    """The passages everyone sees with one tag in one outlet's articles (written by triggers only)."""

    # No foreign key constraint and nothing for Django to cascade: the triggers take a deleted
    # tag's passages away with its links.
    tag = models.ForeignKey(Tag, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    outlet_key = models.BigIntegerField()  # the outlet's id; 0 for articles without one
    passages = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "outlet_key"], name="one_count_per_tag_and_outlet")
        ]

    def __str__(self):
        return f"{self.passages} × tag {self.tag_id} in outlet {self.outlet_key}"


class TagCountVersion(models.Model):
    """One row (id 1): raised by every change the tag pages could show."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    epoch = models.BigIntegerField()
    version = models.BigIntegerField()

    def __str__(self):
        return f"tag counts {self.epoch}.{self.version}"


def current_version() -> str:
    """The counts' version, for cache keys."""
    row = TagCountVersion.objects.filter(pk=1).values_list("epoch", "version").first()
    return f"{row[0]}.{row[1]}" if row else "0"


def public(a: str) -> str:
    """SQL: the annotation (alias or OLD/NEW) is a passage everyone sees."""
    return (
        f"({a}.deleted_at IS NULL AND {a}.visibility = 'public' AND {a}.hidden_at IS NULL"
        f" AND NOT {a}.is_orphan)"
    )


def outlet_of(article: str) -> str:
    """SQL: the count key of the outlet of the article with this id."""
    return f"(SELECT coalesce(outlet_id, 0) FROM articles_article WHERE id = {article})"  # nosec B608


# Counted from scratch: what the triggers keep, and what tests compare them with.
RECOUNT = f"""
    SELECT ta.tag_id, coalesce(ar.outlet_id, 0), count(*)
    FROM articles_taggedannotation ta
    JOIN articles_annotation a ON a.id = ta.content_object_id
    JOIN articles_article ar ON ar.id = a.article_id
    WHERE {public("a")}
    GROUP BY ta.tag_id, coalesce(ar.outlet_id, 0)"""  # nosec B608

# Columns whose change moves a passage in or out of the counts, or between readers' layers.
AUDIENCE_COLUMNS = [
    "deleted_at",
    "visibility",
    "hidden_at",
    "is_orphan",
    "article_id",
    "group_id",
    "author_id",
]
# Columns of what the tag pages show of articles, stories and outlets.
SHOWN_COLUMNS = {
    "articles_article": ["title", "slug", "story_id", "outlet_id", "published_on"],
    "articles_story": ["title", "slug", "status"],
    "articles_outlet": ["name", "slug"],
}


def _changed(columns: list[str], distinct: str) -> str:
    return " OR ".join(f"old.{column} {distinct} new.{column}" for column in columns)


class Sqlite:
    BUMP = (
        f"INSERT INTO {VERSION} (id, epoch, version) VALUES (1, abs(random() % 1000000000), 1) "  # nosec B608
        f"ON CONFLICT (id) DO UPDATE SET version = {VERSION}.version + 1;"
    )

    def _add(self, tags: str, article: str) -> str:
        """Add one to the counts of the tags (a SELECT of tag_id) in the outlet of the article (an id,
        or NULL: nothing to add)."""
        return (
            f"INSERT INTO {COUNTS} (tag_id, outlet_key, passages) "  # nosec B608
            f"SELECT t.tag_id, coalesce(ar.outlet_id, 0), 1 FROM ({tags}) t "
            f"JOIN articles_article ar ON ar.id = {article} WHERE true "
            f"{UPSERT};"
        )

    def _subtract(self, tags: str, article: str, when: str = "1") -> str:
        return (
            f"UPDATE {COUNTS} SET passages = passages - 1 "  # nosec B608
            f"WHERE {when} AND outlet_key = {outlet_of(article)} AND tag_id IN ({tags});"
        )

    def _trigger(self, name: str, event: str, body: str) -> str:
        return f"CREATE TRIGGER {PREFIX}{name} AFTER {event} BEGIN {body} {self.BUMP} END"

    def build_statements(self) -> list[str]:
        links_of = "SELECT tag_id FROM articles_taggedannotation WHERE content_object_id = {}"  # nosec B608
        # The link's annotation's article, when the annotation is one everyone sees.
        public_article = (
            "(SELECT a.article_id FROM articles_annotation a WHERE a.id = {} AND "  # nosec B608
            + public("a")
            + ")"
        )
        article_tags = (
            "SELECT ta.tag_id, count(*) AS n FROM articles_taggedannotation ta "  # nosec B608
            "JOIN articles_annotation a ON a.id = ta.content_object_id "
            f"WHERE a.article_id = new.id AND {public('a')} GROUP BY ta.tag_id"
        )
        link_gone = self._subtract("old.tag_id", public_article.format("old.content_object_id"))
        link_made = self._add("SELECT new.tag_id AS tag_id", public_article.format("new.content_object_id"))
        annotation_gone = self._subtract(links_of.format("old.id"), "old.article_id", public("old"))
        annotation_back = self._add(f"{links_of.format('new.id')} AND {public('new')}", "new.article_id")
        outlet_of_new = "coalesce(new.outlet_id, 0)"
        return [
            self._trigger("link_insert", "INSERT ON articles_taggedannotation", link_made),
            self._trigger("link_delete", "DELETE ON articles_taggedannotation", link_gone),
            self._trigger("link_update", "UPDATE ON articles_taggedannotation", link_gone + link_made),
            self._trigger(
                "annotation_update",
                f"UPDATE ON articles_annotation WHEN {_changed(AUDIENCE_COLUMNS, 'IS NOT')}",
                annotation_gone + annotation_back,
            ),
            self._trigger("annotation_delete", "DELETE ON articles_annotation", annotation_gone),
            self._trigger(
                "article_moved",
                "UPDATE OF outlet_id ON articles_article WHEN old.outlet_id IS NOT new.outlet_id",
                # Away from the old outlet, into the new one: the article's passages per tag.
                f"UPDATE {COUNTS} SET passages = passages - coalesce((SELECT n FROM ({article_tags}) t "  # nosec B608
                f"WHERE t.tag_id = {COUNTS}.tag_id), 0) WHERE outlet_key = coalesce(old.outlet_id, 0) "
                f"AND tag_id IN (SELECT tag_id FROM ({article_tags}));"
                f"INSERT INTO {COUNTS} (tag_id, outlet_key, passages) "
                f"SELECT tag_id, {outlet_of_new}, n FROM ({article_tags}) WHERE true "
                f"{UPSERT};",
            ),
            *(
                self._trigger(f"{table}_shown", f"UPDATE ON {table} WHEN {_changed(columns, 'IS NOT')}", "")
                for table, columns in SHOWN_COLUMNS.items()
            ),
        ]

    TRIGGERS_SQL = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tag\\_counts\\_%' ESCAPE '\\'"
    )

    def drop_statements(self, triggers: list[str]) -> list[str]:
        return [f"DROP TRIGGER {name}" for name in triggers]


class Postgres:
    BUMP = (
        f"INSERT INTO {VERSION} (id, epoch, version) VALUES (1, floor(random() * 1e9), 1) "  # nosec B608
        f"ON CONFLICT (id) DO UPDATE SET version = {VERSION}.version + 1;"
    )
    ADD = (
        f"INSERT INTO {COUNTS} (tag_id, outlet_key, passages) SELECT tag_id, outlet, n FROM ({{}}) t "  # nosec B608
        f"{UPSERT};"
    )

    def _function(self, name: str, body: str) -> str:
        return (
            f"CREATE FUNCTION {PREFIX}{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"DECLARE found_outlet bigint; BEGIN {body} {self.BUMP} RETURN NULL; END $$"
        )

    def _trigger(self, name: str, event: str, when: str = "") -> str:
        when = f"WHEN ({when})" if when else ""
        return (
            f"CREATE TRIGGER {PREFIX}{name} AFTER {event} FOR EACH ROW {when} "
            f"EXECUTE FUNCTION {PREFIX}{name}()"
        )

    def _public_outlet(self, link: str) -> str:
        """Into `found_outlet`: the outlet key of the link's annotation when everyone sees it, else NULL. The
        annotation and its article are locked against a concurrent change of audience or outlet, which
        would otherwise count without this link, committed after it."""
        return (
            "found_outlet := NULL; "
            f"SELECT coalesce(ar.outlet_id, 0) INTO found_outlet FROM articles_annotation a "  # nosec B608
            f"JOIN articles_article ar ON ar.id = a.article_id "
            f"WHERE a.id = {link}.content_object_id AND {public('a')} FOR SHARE;"
        )

    def build_statements(self) -> list[str]:
        links_of = "SELECT tag_id FROM articles_taggedannotation WHERE content_object_id = {}.id"  # nosec B608
        article_tags = (
            "SELECT ta.tag_id, count(*) AS n FROM articles_taggedannotation ta "  # nosec B608
            "JOIN articles_annotation a ON a.id = ta.content_object_id "
            f"WHERE a.article_id = NEW.id AND {public('a')} GROUP BY ta.tag_id"
        )
        link = f"""
            IF TG_OP <> 'INSERT' THEN
                {self._public_outlet("OLD")}
                UPDATE {COUNTS} SET passages = passages - 1
                WHERE tag_id = OLD.tag_id AND outlet_key = found_outlet;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                {self._public_outlet("NEW")}
                IF found_outlet IS NOT NULL THEN
                    {self.ADD.format("SELECT NEW.tag_id AS tag_id, found_outlet AS outlet, 1 AS n")}
                END IF;
            END IF;"""  # nosec B608
        links = "FROM articles_taggedannotation WHERE content_object_id = NEW.id"
        new_outlet = "coalesce(NEW.outlet_id, 0)"
        annotation = f"""
            IF {public("OLD")} THEN
                UPDATE {COUNTS} SET passages = passages - 1
                WHERE outlet_key = {outlet_of("OLD.article_id")} AND tag_id IN ({links_of.format("OLD")});
            END IF;
            IF TG_OP = 'UPDATE' AND {public("NEW")} THEN
                {self.ADD.format(f"SELECT tag_id, {outlet_of('NEW.article_id')} AS outlet, 1 AS n {links}")}
            END IF;"""  # nosec B608
        moved_in = self.ADD.format(f"SELECT tag_id, {new_outlet} AS outlet, n FROM ({article_tags}) s")  # nosec B608
        moved = f"""
            UPDATE {COUNTS} c SET passages = c.passages - t.n FROM ({article_tags}) t
            WHERE c.tag_id = t.tag_id AND c.outlet_key = coalesce(OLD.outlet_id, 0);
            {moved_in}
        """  # nosec B608
        statements = [
            self._function("link", link),
            self._function("annotation", annotation),
            self._function("article_moved", moved),
            self._function("shown", ""),
            self._trigger("link", "INSERT OR UPDATE OR DELETE ON articles_taggedannotation"),
            self._trigger("annotation", "DELETE ON articles_annotation"),
            "CREATE TRIGGER tag_counts_annotation_update AFTER UPDATE ON articles_annotation FOR EACH ROW "
            f"WHEN ({_changed(AUDIENCE_COLUMNS, 'IS DISTINCT FROM')}) EXECUTE FUNCTION {PREFIX}annotation()",
            self._trigger(
                "article_moved",
                "UPDATE OF outlet_id ON articles_article",
                "OLD.outlet_id IS DISTINCT FROM NEW.outlet_id",
            ),
        ]
        statements += [
            f"CREATE TRIGGER {PREFIX}{table}_shown AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN ({_changed(columns, 'IS DISTINCT FROM')}) EXECUTE FUNCTION {PREFIX}shown()"
            for table, columns in SHOWN_COLUMNS.items()
        ]
        return statements

    TRIGGERS_SQL = "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'tag\\_counts\\_%'"

    def drop_statements(self, triggers: list[str]) -> list[str]:
        functions = ["link", "annotation", "article_moved", "shown"]
        return [f"DROP FUNCTION IF EXISTS {PREFIX}{name}() CASCADE" for name in functions]


def _backend() -> Sqlite | Postgres:
    return Postgres() if connection.vendor == "postgresql" else Sqlite()


def _triggers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_backend().TRIGGERS_SQL)
        return [name for (name,) in cursor.fetchall()]


def build() -> None:
    """Create the triggers and count everything there (a bulk load is faster without them: drop()
    before, build() after)."""
    backend = _backend()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in backend.drop_statements(_triggers()):
            cursor.execute(statement)
        for statement in backend.build_statements():
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {COUNTS}")  # nosec B608
        cursor.execute(f"INSERT INTO {COUNTS} (tag_id, outlet_key, passages) {RECOUNT}")  # nosec B608
        cursor.execute(backend.BUMP.rstrip(";"))


def drop() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _backend().drop_statements(_triggers()):
            cursor.execute(statement)


def is_built() -> bool:
    return len(_triggers()) == sum(s.startswith("CREATE TRIGGER") for s in _backend().build_statements())


def recount() -> dict[tuple[int, int], int]:
    """(tag, outlet key) -> passages, counted from the annotations now (for checks and tests)."""
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
        return {(tag, outlet): n for tag, outlet, n in cursor.fetchall()}


def _rebuild_missing_triggers(sender, **kwargs):
    """After `migrate`: a migration that remade a counted table on SQLite dropped its triggers."""
    if sender.label == "articles" and COUNTS in connection.introspection.table_names() and not is_built():
        build()


post_migrate.connect(_rebuild_missing_triggers, dispatch_uid="articles.tag_counts")
