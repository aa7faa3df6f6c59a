"""Tag counts for the tag index and tag pages, per tag, outlet and layer, kept by database triggers.

Every live, anchored annotation is in exactly one layer, which says who sees it (what
Annotation.objects.visible_to() and shown_in_full_to() decide): the public one (public, not hidden by
a moderator: everyone), an author's private ones, an author's public ones hidden (the author, and
staff who moderate), a group's (its members and the author) and a group's hidden ones (its owners and
moderators, and the author). A reader's counts are then the sum of a few rows (queries.tags), never a
count of passages. The triggers change the counts in the transaction of the write, whoever makes it
(the services, the admin, the importer, a bulk update or delete), so a GET only reads them: a tag link
added or removed, an annotation deleted, its audience, moderation, author or article changed, it
orphaned, and an article moved to another outlet. They never make a row from a subtraction, so a count
table emptied before the links (a test database flushed) is not filled with negatives; rows at zero
stay (bounded by the links there were) and are read as absent.

Every change that a page built from the counts could show (any annotation's tags, audience or
moderation; an article's title, story or outlet; a story's or outlet's name) raises
TagCountVersion's version: part of the cache keys of those pages. On PostgreSQL the version's one row
is raised as the write commits (deferred triggers), so no write holds it while waiting for another.
Its epoch is drawn again when the row is made, so that a database emptied and filled again never
meets an old key.

SQLite drops a table's triggers when a migration remakes the table: after `migrate`, build() runs
again if any is missing (as for the search index). The SQL is built from this module's constants
only (`# nosec B608`).
"""

from django.db import connection, models, transaction

from articles.models.annotations import Tag

COUNTS = "articles_tagoutletcount"
VERSION = "articles_tagcountversion"
PREFIX = "tag_counts_"
KEY = "layer, tag_id, outlet_key, owner_key, author_key"
# An INSERT of (KEY, passages) rows adds them to the counts there.
UPSERT = f"ON CONFLICT ({KEY}) DO UPDATE SET passages = {COUNTS}.passages + excluded.passages"  # nosec B608


class Layer(models.IntegerChoices):
    PUBLIC = 0  # owner 0, author 0
    PRIVATE = 1  # owner: the author
    HIDDEN = 2  # public, hidden by a moderator; owner: the author
    GROUP = 3  # owner: the group, and its author
    GROUP_HIDDEN = 4  # owner: the group, and its author


class TagOutletCount(models.Model):
    """The passages of one layer with one tag in one outlet's articles (written by triggers only)."""

    # No foreign key constraint and nothing for Django to cascade: the triggers take a deleted
    # tag's passages away with its links.
    tag = models.ForeignKey(Tag, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    outlet_key = models.BigIntegerField()  # the outlet's id; 0 for articles without one
    layer = models.PositiveSmallIntegerField(choices=Layer)
    owner_key = models.BigIntegerField()  # the author (private, hidden), the group, or 0 (public)
    author_key = models.BigIntegerField()  # the author of a group's passages, else 0
    passages = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "tag", "outlet_key", "owner_key", "author_key"], name="one_count_per_key"
            )
        ]
        # A reader's layers: their own and their groups' rows.
        indexes = [
            models.Index(fields=["owner_key", "layer"], name="tag_count_by_owner"),
            models.Index(fields=["author_key", "layer"], name="tag_count_by_author"),
        ]

    def __str__(self):
        return f"{self.passages} × tag {self.tag_id} in outlet {self.outlet_key}, layer {self.layer}"


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


def layer(a: str) -> str:
    """SQL: the layer of the annotation (alias or OLD/NEW): NULL when deleted or orphaned."""
    return (
        f"(CASE WHEN {a}.deleted_at IS NOT NULL OR {a}.is_orphan THEN NULL"
        f" WHEN {a}.visibility = 'public' THEN (CASE WHEN {a}.hidden_at IS NULL THEN 0 ELSE 2 END)"
        f" WHEN {a}.visibility = 'private' THEN 1"
        f" WHEN {a}.hidden_at IS NULL THEN 3 ELSE 4 END)"
    )


def key(a: str, *, named: bool = False) -> str:
    """SQL: layer, owner_key and author_key of the annotation (named so, if asked)."""
    owner = (
        f"(CASE WHEN {a}.visibility = 'group' THEN {a}.group_id"
        f" WHEN {a}.visibility = 'public' AND {a}.hidden_at IS NULL THEN 0 ELSE {a}.author_id END)"
    )
    author = f"(CASE WHEN {a}.visibility = 'group' THEN {a}.author_id ELSE 0 END)"
    if named:
        return f"{layer(a)} AS layer, {owner} AS owner_key, {author} AS author_key"
    return f"{layer(a)}, {owner}, {author}"


def outlet_of(article: str) -> str:
    """SQL: the count key of the outlet of the article with this id."""
    return f"(SELECT coalesce(outlet_id, 0) FROM articles_article WHERE id = {article})"  # nosec B608


# Counted from scratch: what the triggers keep, and what tests compare them with.
RECOUNT = f"""
    SELECT {key("a")}, ta.tag_id, coalesce(ar.outlet_id, 0), count(*)
    FROM articles_taggedannotation ta
    JOIN articles_annotation a ON a.id = ta.content_object_id
    JOIN articles_article ar ON ar.id = a.article_id
    WHERE {layer("a")} IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5"""  # nosec B608
INSERT = f"INSERT INTO {COUNTS} (layer, owner_key, author_key, tag_id, outlet_key, passages)"  # nosec B608

# Columns whose change moves a passage between layers or outlets.
AUDIENCE_COLUMNS = [
    "deleted_at",
    "visibility",
    "hidden_at",
    "is_orphan",
    "article_id",
    "group_id",
    "author_id",
]
# Columns of what the tag pages show of passages (their note and text), articles, stories and
# outlets. (Not the author's name: a trigger on Django's user table would block its migrations on
# PostgreSQL; a renamed user shows under the old name until the cache expires.)
SHOWN_COLUMNS = {
    "articles_annotation": ["note_html", "exact", "prefix", "suffix"],
    "articles_article": ["title", "slug", "story_id", "outlet_id", "published_on"],
    "articles_story": ["title", "slug", "status"],
    "articles_outlet": ["name", "slug"],
}
# The passages per tag and layer of the article NEW (an article trigger's).
ARTICLE_TAGS = f"""
    SELECT {key("a", named=True)}, ta.tag_id, count(*) AS n FROM articles_taggedannotation ta
    JOIN articles_annotation a ON a.id = ta.content_object_id
    WHERE a.article_id = new.id AND {layer("a")} IS NOT NULL GROUP BY 1, 2, 3, 4"""  # nosec B608
ARTICLE_TAGS_AS = "t"


def _changed(columns: list[str], distinct: str) -> str:
    return " OR ".join(f"old.{column} {distinct} new.{column}" for column in columns)


class Sqlite:
    BUMP = (
        f"INSERT INTO {VERSION} (id, epoch, version) VALUES (1, abs(random() % 1000000000), 1) "  # nosec B608
        f"ON CONFLICT (id) DO UPDATE SET version = {VERSION}.version + 1;"
    )

    def _trigger(self, name: str, event: str, body: str) -> str:
        return f"CREATE TRIGGER {PREFIX}{name} AFTER {event} BEGIN {body} {self.BUMP} END"

    def build_statements(self) -> list[str]:
        # A link's annotation's key and outlet (no row when it is deleted or orphaned).
        link_key = (
            f"SELECT {key('a')}, {{0}}.tag_id, coalesce(ar.outlet_id, 0){{1}} FROM articles_annotation a "  # nosec B608
            "JOIN articles_article ar ON ar.id = a.article_id "
            f"WHERE a.id = {{0}}.content_object_id AND {layer('a')} IS NOT NULL"
        )
        link_gone = (
            f"UPDATE {COUNTS} SET passages = passages - 1 "  # nosec B608
            f"WHERE (layer, owner_key, author_key, tag_id, outlet_key) = ({link_key.format('old', '')});"
        )
        link_made = f"{INSERT} {link_key.format('new', ', 1')} {UPSERT};"
        links_of = "SELECT tag_id FROM articles_taggedannotation WHERE content_object_id = {}.id"  # nosec B608
        annotation_gone = (
            f"UPDATE {COUNTS} SET passages = passages - 1 "  # nosec B608
            f"WHERE (layer, owner_key, author_key) = (SELECT {key('old')}) "
            f"AND outlet_key = {outlet_of('old.article_id')} AND tag_id IN ({links_of.format('old')});"
        )
        annotation_back = (
            f"{INSERT} SELECT {key('new')}, ta.tag_id, {outlet_of('new.article_id')}, 1 "  # nosec B608
            f"FROM articles_taggedannotation ta WHERE ta.content_object_id = new.id "
            f"AND {layer('new')} IS NOT NULL {UPSERT};"
        )
        # Away from the old outlet, into the new one: the article's passages per tag and layer.
        moved_away = (
            f"UPDATE {COUNTS} SET passages = passages - coalesce((SELECT n FROM ({ARTICLE_TAGS}) "  # nosec B608
            f"{ARTICLE_TAGS_AS} WHERE (t.layer, t.owner_key, t.author_key, t.tag_id) = "
            f"({COUNTS}.layer, {COUNTS}.owner_key, {COUNTS}.author_key, {COUNTS}.tag_id)), 0) "
            "WHERE outlet_key = coalesce(old.outlet_id, 0) AND (layer, owner_key, author_key, tag_id) IN "
            f"(SELECT layer, owner_key, author_key, tag_id FROM ({ARTICLE_TAGS}) {ARTICLE_TAGS_AS});"
        )
        moved_in = (
            f"{INSERT} SELECT layer, owner_key, author_key, tag_id, coalesce(new.outlet_id, 0), n "  # nosec B608
            f"FROM ({ARTICLE_TAGS}) {ARTICLE_TAGS_AS} WHERE true {UPSERT};"
        )
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
                moved_away + moved_in,
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

    def _function(self, name: str, body: str) -> str:
        return (
            f"CREATE FUNCTION {PREFIX}{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "DECLARE k_layer int; k_owner bigint; k_author bigint; k_outlet bigint; "
            f"BEGIN {body} RETURN NULL; END $$"
        )

    def _triggers(self, name: str, event: str, when: str = "", counting: str | None = None) -> list[str]:
        """The trigger `name` that runs the counting function (`counting`, by default its namesake;
        none for a change that only shows), and its twin that raises the version. The version's one
        row is raised at commit (a deferred constraint trigger): the last lock a write takes, held
        only while it commits, so that writes never wait for each other in a cycle (a deadlock)."""
        when = f"WHEN ({when})" if when else ""
        version = (
            f"CREATE CONSTRAINT TRIGGER {PREFIX}{name}_version AFTER {event} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW {when} EXECUTE FUNCTION {PREFIX}version()"
        )
        if counting == "":
            return [version]
        function = f"{PREFIX}{counting or name}()"
        return [
            f"CREATE TRIGGER {PREFIX}{name} AFTER {event} FOR EACH ROW {when} EXECUTE FUNCTION {function}",
            version,
        ]

    def _link_key(self, link: str) -> str:
        """Into k_*: the key of the link's annotation (NULL layer when deleted or orphaned). The
        annotation and its article are locked against a concurrent change of audience or outlet, which
        would otherwise count without this link, committed after it."""
        return (
            f"SELECT {key('a')}, coalesce(ar.outlet_id, 0) INTO k_layer, k_owner, k_author, k_outlet "  # nosec B608
            "FROM articles_annotation a JOIN articles_article ar ON ar.id = a.article_id "
            f"WHERE a.id = {link}.content_object_id FOR SHARE;"
        )

    def build_statements(self) -> list[str]:
        links_of = "SELECT tag_id FROM articles_taggedannotation WHERE content_object_id = {}.id"  # nosec B608
        link = f"""
            IF TG_OP <> 'INSERT' THEN
                {self._link_key("OLD")}
                UPDATE {COUNTS} SET passages = passages - 1
                WHERE (layer, owner_key, author_key, tag_id, outlet_key)
                    = (k_layer, k_owner, k_author, OLD.tag_id, k_outlet);
            END IF;
            IF TG_OP <> 'DELETE' THEN
                {self._link_key("NEW")}
                IF k_layer IS NOT NULL THEN
                    {INSERT} VALUES (k_layer, k_owner, k_author, NEW.tag_id, k_outlet, 1) {UPSERT};
                END IF;
            END IF;"""  # nosec B608
        annotation = f"""
            IF {layer("OLD")} IS NOT NULL THEN
                UPDATE {COUNTS} SET passages = passages - 1
                WHERE (layer, owner_key, author_key) = (SELECT {key("OLD")})
                AND outlet_key = {outlet_of("OLD.article_id")} AND tag_id IN ({links_of.format("OLD")});
            END IF;
            IF TG_OP = 'UPDATE' AND {layer("NEW")} IS NOT NULL THEN
                {INSERT} SELECT {key("NEW")}, tag_id, {outlet_of("NEW.article_id")}, 1
                FROM articles_taggedannotation WHERE content_object_id = NEW.id {UPSERT};
            END IF;"""  # nosec B608
        moved = f"""
            UPDATE {COUNTS} c SET passages = c.passages - t.n FROM ({ARTICLE_TAGS}) {ARTICLE_TAGS_AS}
            WHERE (c.layer, c.owner_key, c.author_key, c.tag_id)
                = (t.layer, t.owner_key, t.author_key, t.tag_id)
            AND c.outlet_key = coalesce(OLD.outlet_id, 0);
            {INSERT} SELECT layer, owner_key, author_key, tag_id, coalesce(NEW.outlet_id, 0), n
            FROM ({ARTICLE_TAGS}) {ARTICLE_TAGS_AS} {UPSERT};
        """  # nosec B608
        statements = [
            self._function("link", link),
            self._function("annotation", annotation),
            self._function("article_moved", moved),
            f"CREATE FUNCTION {PREFIX}version() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {self.BUMP} RETURN NULL; END $$",
            *self._triggers("link", "INSERT OR UPDATE OR DELETE ON articles_taggedannotation"),
            *self._triggers("annotation", "DELETE ON articles_annotation"),
            *self._triggers(
                "annotation_update",
                "UPDATE ON articles_annotation",
                _changed(AUDIENCE_COLUMNS, "IS DISTINCT FROM"),
                counting="annotation",
            ),
            *self._triggers(
                "article_moved",
                "UPDATE OF outlet_id ON articles_article",
                "OLD.outlet_id IS DISTINCT FROM NEW.outlet_id",
            ),
        ]
        for table, columns in SHOWN_COLUMNS.items():
            statements += self._triggers(
                f"{table}_shown", f"UPDATE ON {table}", _changed(columns, "IS DISTINCT FROM"), counting=""
            )
        return statements

    TRIGGERS_SQL = "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'tag\\_counts\\_%'"

    def drop_statements(self, triggers: list[str]) -> list[str]:
        functions = ["link", "annotation", "article_moved", "version"]
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
        cursor.execute(f"{INSERT} {RECOUNT}")
        cursor.execute(backend.BUMP.rstrip(";"))


def drop() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _backend().drop_statements(_triggers()):
            cursor.execute(statement)


def is_built() -> bool:
    creates = ("CREATE TRIGGER", "CREATE CONSTRAINT TRIGGER")
    return len(_triggers()) == sum(s.startswith(creates) for s in _backend().build_statements())


def recount() -> dict[tuple[int, ...], int]:
    """(layer, owner, author, tag, outlet key) -> passages, counted from the annotations now (for checks
    and tests)."""
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
        return {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}


def rebuild_missing_triggers(**kwargs):
    """After `migrate` (apps.ArticlesConfig connects it): a migration that remade a counted table on
    SQLite dropped its triggers."""
    if COUNTS in connection.introspection.table_names() and not is_built():
        build()
