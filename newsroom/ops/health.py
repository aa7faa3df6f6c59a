"""Health checks for load balancers, Docker and monitoring.

GET /healthz  the process answers: 200, nothing else looked at.
GET /readyz   it can serve: the database answers and, when configured, Redis (REDIS_URL) and the
              task backend's table; 200, else 503 naming what failed (the log says why).

The middleware answering them comes first: a probe is answered whatever its Host (probes ask by
IP address or as localhost, which ALLOWED_HOSTS rightly refuses to others), over plain HTTP, with
no session, cookie or other middleware's work.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django_tasks_db.models import DBTaskResult

from newsroom.ops.logging import HEALTH_CHECK_PATHS

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis():
    cache.get("readyz")  # a round trip to the cache's server


def check_tasks():
    DBTaskResult.objects.exists()


def configured_checks() -> dict:
    checks = {"database": check_database}
    if settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
        checks["redis"] = check_redis
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        checks["tasks"] = check_tasks
    return checks


def readiness() -> tuple[list[str], list[str]]:
    """The names of the checks made, and of those that failed."""
    checks, failed = configured_checks(), []
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # whatever the failure, the answer is "not ready", never a 500
            logger.error("Not ready: %s: %s", name, error)
            failed.append(name)
    return list(checks), failed


def health_check_middleware(get_response):
    def middleware(request):
        if request.path not in HEALTH_CHECK_PATHS or request.method not in {"GET", "HEAD"}:
            return get_response(request)
        if request.path == "/healthz":
            return JsonResponse({"status": "alive"})
        checked, failed = readiness()
        if failed:
            return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
        return JsonResponse({"status": "ready", "checked": checked})

    return middleware
