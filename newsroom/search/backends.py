"""The full-text index on each database: SQLite FTS5, or PostgreSQL's text search.

Two tables, whose row ids are the ids of what they index:
- search_article: an article's title (weighted most) and body;
- search_annotation: an annotation's quote and note, its tags' names and its live replies.

Database triggers keep them in step with every write, whoever makes it (the importer, the admin,
the API, a bulk update): the index changes in the transaction that changes the text. Both stem
English words and ignore case and accents. Who may see a result is not the index's business:
queries join the index to the articles and annotations, and filter those as every page does.

The SQL here is built from strings, which bandit flags (B608) and `# nosec B608` silences line by
line: every name put into it is one of this module's constants, and every value that comes from a
reader (words searched, ids) is a parameter (%s).
"""

from django.db import connection

from newsroom.search.syntax import Phrase, Query

# Marks around matched words in snippets: private-use characters, which canonical text never
# holds, turned into <mark> after the text around them is escaped (highlighting.py).
START_MARK, END_MARK = "\ue000", "\ue001"
SNIPPET_WORDS = 30

ARTICLE_TABLE = "search_article"
ANNOTATION_TABLE = "search_annotation"


class Sqlite:
    """FTS5: the article index reads its text from the article table itself (external content);
    the annotation index holds its own copy, since its text comes from four tables."""

    TOKENIZER = "porter unicode61 remove_diacritics 2"
    # bm25 weights of the columns: title, body; quote, note, tags, replies.
    ARTICLE_WEIGHTS = (10.0, 1.0)
    ANNOTATION_WEIGHTS = (2.0, 2.0, 4.0, 1.0)

    def _annotation_rows(self, which: str) -> str:
        return f"""
            SELECT a.id, a.exact, a.note,
                coalesce((SELECT group_concat(t.name, ' ') FROM articles_taggedannotation ta
                          JOIN articles_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id), ''),
                coalesce((SELECT group_concat(r.note, ' ') FROM articles_reply r
                          WHERE r.annotation_id = a.id AND r.deleted_at IS NULL AND r.hidden_at IS NULL), '')
            FROM articles_annotation a WHERE {which}"""  # nosec B608

    def _reindex_annotations(self, which: str) -> str:
        return f"""
            DELETE FROM {ANNOTATION_TABLE}
                WHERE rowid IN (SELECT a.id FROM articles_annotation a WHERE {which});
            INSERT INTO {ANNOTATION_TABLE} (rowid, quote, note, tags, replies)
                {self._annotation_rows(which)};"""  # nosec B608

    def _trigger(self, name: str, event: str, body: str) -> str:
        return f"CREATE TRIGGER {name} AFTER {event} BEGIN {body} END"

    def build_statements(self) -> list[str]:
        article_insert = (
            f"INSERT INTO {ARTICLE_TABLE} (rowid, title, body) VALUES (new.id, new.title, new.body);"  # nosec B608
        )
        article_delete = (
            f"INSERT INTO {ARTICLE_TABLE} ({ARTICLE_TABLE}, rowid, title, body) "  # nosec B608
            "VALUES ('delete', old.id, old.title, old.body);"
        )
        reindex = self._reindex_annotations
        return [
            f"CREATE VIRTUAL TABLE {ARTICLE_TABLE} USING fts5(title, body, content='articles_article', "
            f"content_rowid='id', tokenize='{self.TOKENIZER}')",
            f"CREATE VIRTUAL TABLE {ANNOTATION_TABLE} USING fts5(quote, note, tags, replies, "
            f"tokenize='{self.TOKENIZER}')",
            *(
                f"CREATE VIRTUAL TABLE {table}_vocabulary USING fts5vocab({table}, 'instance')"
                for table in (ARTICLE_TABLE, ANNOTATION_TABLE)
            ),
            self._trigger("search_article_insert", "INSERT ON articles_article", article_insert),
            self._trigger("search_article_delete", "DELETE ON articles_article", article_delete),
            self._trigger(
                "search_article_update",
                "UPDATE OF title, body ON articles_article "
                "WHEN old.title IS NOT new.title OR old.body IS NOT new.body",
                article_delete + article_insert,
            ),
            self._trigger(
                "search_annotation_insert", "INSERT ON articles_annotation", reindex("a.id = new.id")
            ),
            self._trigger(
                "search_annotation_update",
                "UPDATE OF exact, note ON articles_annotation "
                "WHEN old.exact IS NOT new.exact OR old.note IS NOT new.note",
                reindex("a.id = new.id"),
            ),
            self._trigger(
                "search_annotation_delete",
                "DELETE ON articles_annotation",
                f"DELETE FROM {ANNOTATION_TABLE} WHERE rowid = old.id;",  # nosec B608
            ),
            self._trigger(
                "search_tagged_insert",
                "INSERT ON articles_taggedannotation",
                reindex("a.id = new.content_object_id"),
            ),
            self._trigger(
                "search_tagged_delete",
                "DELETE ON articles_taggedannotation",
                reindex("a.id = old.content_object_id"),
            ),
            self._trigger(
                "search_tag_rename",
                "UPDATE OF name ON articles_tag WHEN old.name IS NOT new.name",
                reindex(
                    "a.id IN (SELECT content_object_id FROM articles_taggedannotation WHERE tag_id = new.id)"
                ),
            ),
            self._trigger(
                "search_reply_insert", "INSERT ON articles_reply", reindex("a.id = new.annotation_id")
            ),
            self._trigger(
                "search_reply_update", "UPDATE ON articles_reply", reindex("a.id = new.annotation_id")
            ),
            self._trigger(
                "search_reply_delete", "DELETE ON articles_reply", reindex("a.id = old.annotation_id")
            ),
            # Fill both from what is there, then merge the index into one segment for speed.
            f"INSERT INTO {ARTICLE_TABLE} ({ARTICLE_TABLE}) VALUES ('rebuild')",  # nosec B608
            f"INSERT INTO {ANNOTATION_TABLE} (rowid, quote, note, tags, replies) "
            + self._annotation_rows("1"),
            f"INSERT INTO {ARTICLE_TABLE} ({ARTICLE_TABLE}) VALUES ('optimize')",  # nosec B608
            f"INSERT INTO {ANNOTATION_TABLE} ({ANNOTATION_TABLE}) VALUES ('optimize')",  # nosec B608
        ]

    def drop_statements(self) -> list[str]:
        triggers = self.TRIGGERS_SQL.replace("count(*)", "name")
        with connection.cursor() as cursor:
            cursor.execute(triggers)
            names = [name for (name,) in cursor.fetchall()]
        return [f"DROP TRIGGER {name}" for name in names] + [
            f"DROP TABLE IF EXISTS {ARTICLE_TABLE}_vocabulary",
            f"DROP TABLE IF EXISTS {ANNOTATION_TABLE}_vocabulary",
            f"DROP TABLE IF EXISTS {ARTICLE_TABLE}",
            f"DROP TABLE IF EXISTS {ANNOTATION_TABLE}",
        ]

    # The index's triggers (a table rebuilt by a migration on SQLite loses its triggers).
    TRIGGERS_SQL = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search\\_%' ESCAPE '\\'"
    )

    def size_sql(self) -> str:
        return "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search\\_%' ESCAPE '\\'"

    # Queries.

    def match(self, table: str, query: Query) -> tuple[str, list]:
        return f'"{table}"."{table}" MATCH %s', [self.expression(table, query)]

    def expression(self, table: str, query: Query) -> str:
        """The query in FTS5's syntax; every word quoted, so that none is read as an operator."""
        stems = self._stems_cut_from_prefixes(table, query)

        def item(item):
            if isinstance(item, Phrase):
                return '"' + " ".join(item.words) + '"'
            if item.prefix:
                forms = [item.word, *(form for form in item.cut_forms if form in stems)]
                return "(" + " OR ".join(f'"{form}"*' for form in forms) + ")"
            return f'"{item.word}"'

        required = " AND ".join("(" + " OR ".join(map(item, group)) + ")" for group in query.required)
        return required + "".join(f" NOT {item(excluded)}" for excluded in query.excluded)

    def _stems_cut_from_prefixes(self, table: str, query: Query) -> set[str]:
        """The prefixes' cut forms that are words of the index: "immigra*" must find "immigr", the
        porter stem of "immigration", but "contrac*" must not find "contr*" ("control")."""
        forms = [form for term in query.prefixes for form in term.cut_forms]
        if not forms:
            return set()
        # One lookup per form: the vocabulary answers "term = ?" from the index at once, "IN" by a scan.
        found = f"SELECT %s WHERE EXISTS (SELECT 1 FROM {table}_vocabulary WHERE term = %s)"  # nosec B608
        with connection.cursor() as cursor:
            params = [value for form in forms for value in (form, form)]
            cursor.execute(" UNION ALL ".join([found] * len(forms)), params)
            return {term for (term,) in cursor.fetchall()}

    def rank(self, table: str, query: Query) -> tuple[str, list]:
        """Higher is better (bm25 is lower for better matches)."""
        weights = self.ARTICLE_WEIGHTS if table == ARTICLE_TABLE else self.ANNOTATION_WEIGHTS
        return f'-bm25("{table}", {", ".join(map(str, weights))})', []

    def article_snippets(self, query: Query, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Each article's title with every match marked, and a passage of its body around the best
        matches (without ellipses: it is found again in the body)."""
        return self._snippets(
            ARTICLE_TABLE,
            f"highlight({ARTICLE_TABLE}, 0, %s, %s), "
            f"snippet({ARTICLE_TABLE}, 1, %s, %s, '', {SNIPPET_WORDS})",
            query,
            ids,
            columns=2,
        )

    def annotation_snippets(self, query: Query, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        """Each annotation's quote, note and replies, around their best matches."""
        functions = ", ".join(
            f"snippet({ANNOTATION_TABLE}, {column}, %s, %s, '…', {SNIPPET_WORDS})" for column in (0, 1, 3)
        )
        return self._snippets(ANNOTATION_TABLE, functions, query, ids, columns=3)

    def _snippets(self, table: str, functions: str, query: Query, ids: list[int], *, columns: int):
        placeholders = ", ".join(["%s"] * len(ids))
        sql = f"SELECT rowid, {functions} FROM {table} WHERE {table} MATCH %s AND rowid IN ({placeholders})"  # nosec B608
        params = [START_MARK, END_MARK] * columns + [self.expression(table, query), *ids]
        return _rows_by_id(sql, params)


class Postgres:
    """A tsvector per row in a GIN index, filled by trigger functions, with its own text search
    configuration: English stemming after unaccent."""

    CONFIG = "newsroom_search"
    # PostgreSQL's parser reads "<b>" as a tag and "&amp;" as an entity, and leaves them out of the
    # index and of headlines: they are read as text, as on SQLite, once these are replaced.
    MARKUP, AS_SPACES, AS_PRIVATE = "<&", "  ", "\ue002\ue003"

    @classmethod
    def _vector(cls, text: str, weight: str) -> str:
        plain = f"translate({text}, '{cls.MARKUP}', '{cls.AS_SPACES}')"
        return f"setweight(to_tsvector('{cls.CONFIG}', {plain}), '{weight}')"

    ANNOTATION_TEXTS = """
        coalesce((SELECT string_agg(t.name, ' ') FROM articles_taggedannotation ta
                  JOIN articles_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id), '') AS tags,
        coalesce((SELECT string_agg(r.note, ' ') FROM articles_reply r
                  WHERE r.annotation_id = a.id AND r.deleted_at IS NULL AND r.hidden_at IS NULL), ''
        ) AS replies"""

    PHRASE_LEXEMES = f"unnest(to_tsvector('{CONFIG}', phrase))"
    # The pairs of neighbouring lexemes of a tsvector called "document", in the text's order.
    PAIRS = """
        SELECT pair FROM (
            SELECT lexeme || ' ' || lead(lexeme) OVER (ORDER BY position) AS pair
            FROM (SELECT lexeme, unnest(positions) AS position FROM unnest(document)) words
        ) pairs WHERE pair IS NOT NULL"""

    def _function(self, name: str, body: str, *, language="plpgsql", arguments="", returns="trigger") -> str:
        return f"CREATE FUNCTION {name}({arguments}) RETURNS {returns} LANGUAGE {language} AS $$ {body} $$"

    def _trigger(self, name: str, event: str, call: str, *, row=True) -> str:
        each = "FOR EACH ROW" if row else "FOR EACH STATEMENT"
        return f"CREATE TRIGGER {name} AFTER {event} {each} EXECUTE FUNCTION {call}"

    def _index_annotations(self, which: str) -> str:
        return f"""
            INSERT INTO {ANNOTATION_TABLE} (rowid, document)
            SELECT a.id, search_with_word_pairs(
                {self._vector("a.exact || ' ' || a.note", "B")} || {self._vector("a.tags", "A")}
                || {self._vector("a.replies", "C")})
            FROM (SELECT a.id, a.exact, a.note, {self.ANNOTATION_TEXTS}
                  FROM articles_annotation a WHERE {which}) a
            ON CONFLICT (rowid) DO UPDATE SET document = excluded.document"""  # nosec B608

    def _index_articles(self, which: str) -> str:
        return f"""
            INSERT INTO {ARTICLE_TABLE} (rowid, document)
            SELECT a.id,
                search_with_word_pairs({self._vector("a.title", "A")} || {self._vector("a.body", "B")})
            FROM articles_article a WHERE {which}
            ON CONFLICT (rowid) DO UPDATE SET document = excluded.document"""  # nosec B608

    def build_statements(self) -> list[str]:
        by_ids = "search_index_annotations(ARRAY[{}])"
        return [
            "CREATE EXTENSION IF NOT EXISTS unaccent",
            f"CREATE TEXT SEARCH CONFIGURATION {self.CONFIG} (COPY = pg_catalog.english)",
            f"ALTER TEXT SEARCH CONFIGURATION {self.CONFIG} "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
            # Each pair of neighbouring words is a lexeme too ("accord offici"), so that the GIN index
            # finds a phrase's few candidates: without, it checks the positions of every document
            # with all its words, which for common words is most of them.
            self._function(
                "search_with_word_pairs",
                "SELECT document || coalesce(array_to_tsvector(array_agg(DISTINCT pair)), '') "  # nosec B608
                f"FROM ({self.PAIRS}) pairs",
                language="sql",
                arguments="document tsvector",
                returns="tsvector IMMUTABLE",
            ),
            self._function(
                "search_word_pairs_of",
                "SELECT coalesce(string_agg(quote_literal(pair), ' & '), '')::tsquery "  # nosec B608
                f"FROM ({self.PAIRS.replace('unnest(document)', self.PHRASE_LEXEMES)}) pairs",
                language="sql",
                arguments="phrase text",
                returns="tsquery IMMUTABLE",
            ),
            # No foreign keys: Django's flush truncates the indexed tables without them. Documents
            # stay in the row, compressed, rather than in TOAST: a search that checks many rows one
            # by one reads half as much.
            *(
                statement
                for table in (ARTICLE_TABLE, ANNOTATION_TABLE)
                for statement in (
                    f"CREATE TABLE {table} (rowid bigint PRIMARY KEY, document tsvector NOT NULL) "
                    "WITH (toast_tuple_target = 8160)",
                    f"ALTER TABLE {table} ALTER COLUMN document SET STORAGE MAIN",
                )
            ),
            self._function(
                "search_index_annotations",
                self._index_annotations("a.id = ANY(ids)"),
                language="sql",
                arguments="ids bigint[]",
                returns="void",
            ),
            self._function(
                "search_article_changed",
                f"""BEGIN
                    IF TG_OP = 'DELETE' THEN DELETE FROM {ARTICLE_TABLE} WHERE rowid = OLD.id;
                    ELSE {self._index_articles("a.id = NEW.id")};
                    END IF;
                    RETURN NULL;
                END""",  # nosec B608
            ),
            self._function(
                "search_annotation_changed",
                f"""BEGIN
                    IF TG_OP = 'DELETE' THEN DELETE FROM {ANNOTATION_TABLE} WHERE rowid = OLD.id;
                    ELSE PERFORM {by_ids.format("NEW.id")};
                    END IF;
                    RETURN NULL;
                END""",  # nosec B608
            ),
            self._function(
                "search_annotation_part_changed",
                """DECLARE changed record;
                BEGIN
                    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
                    -- TG_ARGV[0]: the changed row's column that names its annotation.
                    PERFORM search_index_annotations(ARRAY[(to_jsonb(changed) ->> TG_ARGV[0])::bigint]);
                    RETURN NULL;
                END""",
            ),
            self._function(
                "search_tag_renamed",
                """BEGIN
                    PERFORM search_index_annotations(ARRAY(
                        SELECT content_object_id FROM articles_taggedannotation WHERE tag_id = NEW.id));
                    RETURN NULL;
                END""",
            ),
            self._function(
                "search_truncated",
                f"""BEGIN
                    IF TG_TABLE_NAME = 'articles_article' THEN TRUNCATE {ARTICLE_TABLE};
                    ELSE TRUNCATE {ANNOTATION_TABLE};
                    END IF;
                    RETURN NULL;
                END""",
            ),
            self._trigger(
                "search_article_insert", "INSERT OR DELETE ON articles_article", "search_article_changed()"
            ),
            "CREATE TRIGGER search_article_update AFTER UPDATE OF title, body ON articles_article "
            "FOR EACH ROW "
            "WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body) "
            "EXECUTE FUNCTION search_article_changed()",
            self._trigger(
                "search_annotation_insert",
                "INSERT OR DELETE ON articles_annotation",
                "search_annotation_changed()",
            ),
            "CREATE TRIGGER search_annotation_update AFTER UPDATE OF exact, note ON articles_annotation "
            "FOR EACH ROW WHEN (OLD.exact IS DISTINCT FROM NEW.exact OR OLD.note IS DISTINCT FROM NEW.note) "
            "EXECUTE FUNCTION search_annotation_changed()",
            self._trigger(
                "search_tagged",
                "INSERT OR DELETE ON articles_taggedannotation",
                "search_annotation_part_changed('content_object_id')",
            ),
            self._trigger(
                "search_reply",
                "INSERT OR UPDATE OR DELETE ON articles_reply",
                "search_annotation_part_changed('annotation_id')",
            ),
            "CREATE TRIGGER search_tag_renamed AFTER UPDATE OF name ON articles_tag FOR EACH ROW "
            "WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION search_tag_renamed()",
            self._trigger(
                "search_article_truncated", "TRUNCATE ON articles_article", "search_truncated()", row=False
            ),
            self._trigger(
                "search_annotation_truncated",
                "TRUNCATE ON articles_annotation",
                "search_truncated()",
                row=False,
            ),
            # Fill both from what is there; the GIN indexes are faster made after than kept during.
            self._index_articles("true"),
            self._index_annotations("true"),
            f"CREATE INDEX {ARTICLE_TABLE}_document ON {ARTICLE_TABLE} USING gin (document)",
            f"CREATE INDEX {ANNOTATION_TABLE}_document ON {ANNOTATION_TABLE} USING gin (document)",
            f"ANALYZE {ARTICLE_TABLE}",
            f"ANALYZE {ANNOTATION_TABLE}",
        ]

    def drop_statements(self) -> list[str]:
        functions = [
            "search_with_word_pairs(tsvector)",
            "search_word_pairs_of(text)",
            "search_index_annotations(bigint[])",
            "search_article_changed()",
            "search_annotation_changed()",
            "search_annotation_part_changed()",
            "search_tag_renamed()",
            "search_truncated()",
        ]
        return [
            *(f"DROP FUNCTION IF EXISTS {function} CASCADE" for function in functions),
            f"DROP TABLE IF EXISTS {ARTICLE_TABLE}",
            f"DROP TABLE IF EXISTS {ANNOTATION_TABLE}",
            f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {self.CONFIG}",
        ]

    TRIGGERS_SQL = "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'search\\_%'"

    def size_sql(self) -> str:
        return (
            f"SELECT pg_total_relation_size('{ARTICLE_TABLE}') + pg_total_relation_size('{ANNOTATION_TABLE}')"
        )

    # Queries.

    def tsquery(self, query: Query, *, word_pairs=True) -> tuple[str, list]:
        """The query as a tsquery built from parameters: to_tsquery() for a word (quoted, so that
        nothing in it is an operator), phraseto_tsquery() for a phrase, with its word pairs for the
        index (not for headlines, whose text has no such lexemes)."""
        sql, params = [], []

        def word(lexeme: str) -> str:
            params.append(lexeme)
            return f"to_tsquery('{self.CONFIG}', %s)"

        def item(item):
            if isinstance(item, Phrase):
                params.append(" ".join(item.words))
                if not word_pairs:
                    return f"phraseto_tsquery('{self.CONFIG}', %s)"
                params.append(" ".join(item.words))
                return f"(phraseto_tsquery('{self.CONFIG}', %s) && search_word_pairs_of(%s))"
            if item.prefix:
                # The cut forms are compared with the index's stems as they are, not stemmed again.
                prefix = word(f"'{item.word}':*")
                params.extend(f"'{form}'" for form in item.cut_forms)
                return "(" + " || ".join([prefix] + ["%s::tsquery"] * len(item.cut_forms)) + ")"
            return word(f"'{item.word}'")

        for group in query.required:
            sql.append("(" + " || ".join(map(item, group)) + ")")
        sql += [f"!!{item(excluded)}" for excluded in query.excluded]
        return "(" + " && ".join(sql) + ")", params

    def match(self, table: str, query: Query) -> tuple[str, list]:
        """Also refuses a query of which PostgreSQL dropped every word to look for (querytree()
        is then 'T'), which would otherwise match whatever its exclusions leave."""
        sql, params = self.tsquery(query)
        return f'("{table}"."document" @@ {sql} AND querytree({sql}) <> \'T\')', params * 2

    def rank(self, table: str, query: Query) -> tuple[str, list]:
        sql, params = self.tsquery(query)
        return f'ts_rank("{table}"."document", {sql})', params

    def _headline(self, column: str, *, whole=False) -> str:
        options = f"StartSel={START_MARK}, StopSel={END_MARK}, " + (
            "HighlightAll=true" if whole else f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}"
        )
        text = f"translate({column}, '{self.MARKUP}', '{self.AS_PRIVATE}')"
        return f"ts_headline('{self.CONFIG}', {text}, q.query, '{options}')"

    def _headlines(self, sql: str, params: list) -> dict[int, tuple]:
        """Rows of headlines, with the markup characters put back."""
        restore = str.maketrans(self.AS_PRIVATE, self.MARKUP)
        return {
            pk: tuple(text.translate(restore) for text in texts)
            for pk, texts in _rows_by_id(sql, params).items()
        }

    def article_snippets(self, query: Query, ids: list[int]) -> dict[int, tuple[str, str]]:
        tsquery, params = self.tsquery(query, word_pairs=False)
        sql = f"""
            SELECT a.id, {self._headline("a.title", whole=True)}, {self._headline("a.body")}
            FROM articles_article a, (SELECT {tsquery} AS query) q WHERE a.id = ANY(%s)"""  # nosec B608
        return self._headlines(sql, [*params, ids])

    def annotation_snippets(self, query: Query, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        tsquery, params = self.tsquery(query, word_pairs=False)
        sql = f"""
            SELECT a.id, {self._headline("a.exact")}, {self._headline("a.note")},
                {self._headline("a.replies")}
            FROM (SELECT a.id, a.exact, a.note, {self.ANNOTATION_TEXTS} FROM articles_annotation a
                  WHERE a.id = ANY(%s)) a,
                (SELECT {tsquery} AS query) q"""  # nosec B608
        return self._headlines(sql, [ids, *params])


def _rows_by_id(sql: str, params: list) -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def current() -> Sqlite | Postgres:
    return Postgres() if connection.vendor == "postgresql" else Sqlite()
