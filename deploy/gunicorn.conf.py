"""Gunicorn in production, behind nginx: `gunicorn newsroom.wsgi --config deploy/gunicorn.conf.py`
from the checkout (deploy/newsroom.service, Dockerfile). Environment: GUNICORN_BIND (default
127.0.0.1:8000), GUNICORN_WORKERS (default 2 per CPU + 1), and gunicorn's own FORWARDED_ALLOW_IPS
when nginx runs on another host."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request is short (pages poll instead of holding a connection open), and
# a worker waiting on the database leaves the CPU to the others.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A request that takes longer than this is a bug or an attack: its worker is killed and replaced.
# Exports and imports of any size run as background tasks, not in a request.
timeout = 30
graceful_timeout = 30  # on restart, requests under way get this long to finish
keepalive = 5  # nginx reuses its connections to gunicorn
# Request lines as long as gunicorn reads (4094 by default): a search box takes 500 characters of
# any script, and the app answers a query over MAX_QUERY_STRING_BYTES itself, with a message (414);
# a request line over gunicorn's most (8190 bytes) gets gunicorn's own plain 414.
limit_request_line = 8190
# Django starts once, in the master, before the workers fork: they answer as soon as they exist.
preload_app = True
# systemd (or Docker) starts, reloads and stops gunicorn by signals: no control socket in the
# service user's home.
control_socket_disable = True
# A fresh worker now and then bounds what a slow leak could grow to (spread so they do not all go at once).
max_requests = 2000
max_requests_jitter = 200

# Logs on stdout (journald, docker logs) as JSON lines, like the app's (settings.LOGGING): the
# access log gives the client (from nginx's X-Forwarded-For), the request, status, size, time and
# the request id the app sent back, and skips the health checks.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsroom.ops.logging.JsonFormatter"}},
    "filters": {"access": {"()": "newsroom.ops.logging.AccessLogFilter"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["access"],
        },
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
