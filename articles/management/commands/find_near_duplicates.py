import json

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article, DuplicateArticle
from articles.text.near_duplicates import near_duplicates


class Command(BaseCommand):
    help = (
        "List pairs of near-duplicate articles across the whole corpus (MinHash with LSH, not all pairs), "
        "then the records imports found to be exactly an article's text (kept as duplicates of it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold", type=float, default=0.8, help="estimated Jaccard similarity (0.5-1)"
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the pairs as JSON")

    def handle(self, *, threshold, as_json, **options):
        if not 0.5 <= threshold <= 1:
            raise CommandError("--threshold must be between 0.5 and 1.")
        bodies = Article.objects.order_by("pk").values_list("pk", "body").iterator(chunk_size=2000)
        pairs = near_duplicates(bodies, threshold=threshold)
        duplicates = DuplicateArticle.objects.select_related("article").order_by("article_id", "source_file")
        if as_json:
            near = [{"a": a, "b": b, "similarity": round(s, 3)} for a, b, s in pairs]
            exact = [
                {"a": row.article_id, "duplicate": row.source_file, "similarity": 1.0, "exact": True}
                for row in duplicates.iterator(chunk_size=2000)
            ]
            self.stdout.write(json.dumps(near + exact))
            return
        labels = dict(
            Article.objects.filter(pk__in={pk for pair in pairs for pk in pair[:2]}).values_list(
                "pk", "title"
            )
        )
        for a, b, similarity in pairs:
            self.stdout.write(f"{similarity:.2f}  #{a} {labels[a]}  ~  #{b} {labels[b]}")
        self.stdout.write(f"Near-duplicate pairs: {len(pairs)}")
        for row in duplicates.iterator(chunk_size=2000):
            outlet = f" ({row.outlet_name})" if row.outlet_name else ""
            self.stdout.write(f"1.00  #{row.article_id} {row.article.title}  =  {row.source_file}{outlet}")
        self.stdout.write(f"Exact duplicates recorded on import: {duplicates.count()}")
