"""The admin's long lists at scale: each counts its rows once, and the annotation list's tag filter
does not sum the tag counts on every view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.base import annotate, make_article

pytestmark = pytest.mark.django_db


def list_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("model", ["annotation", "article", "reply", "flag"])
def test_a_long_list_counts_its_rows_once(admin_client, model):
    counts = [sql for sql in list_queries(admin_client, f"/admin/articles/{model}/") if "COUNT(" in sql]
    assert len(counts) == 1, counts


def test_the_most_used_tags_are_summed_once_in_a_while(admin_client, alice):
    annotate(make_article(body="A zeppelin over the harbour."), alice, "zeppelin", tags=["framing"])
    path = "/admin/articles/annotation/"
    summing = [sql for sql in list_queries(admin_client, path) if "articles_tagoutletcount" in sql]
    assert len(summing) == 1
    assert not [sql for sql in list_queries(admin_client, path) if "articles_tagoutletcount" in sql]
    assert "framing" in admin_client.get(path).text
