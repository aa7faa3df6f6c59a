"""Gunicorn settings for `make serve`: the site on this machine, http://127.0.0.1:8000/."""

bind = "127.0.0.1:8000"
workers = 3  # sync workers, gunicorn's default
accesslog = "-"
# Request lines as long as gunicorn reads (4094 by default): a search box takes 500 characters of
# any script, and the app answers a query over MAX_QUERY_STRING_BYTES itself, with a message (414);
# a request line over gunicorn's most (8190 bytes) gets gunicorn's own plain 414.
limit_request_line = 8190
# Django starts once, in the master, before the workers fork: they answer as soon as they exist.
preload_app = True


def when_ready(server):
    # Django is set up by now (preload_app): the demo account's module can be imported.
    from articles.services.demo import DEMO_COLLEAGUE, DEMO_EDITOR, DEMO_PASSWORD

    address, login = server.cfg.bind[0], f"{DEMO_EDITOR} (or {DEMO_COLLEAGUE}) / {DEMO_PASSWORD}"
    print(f"Newsroom is ready: open http://{address}/ and log in as {login}", flush=True)
