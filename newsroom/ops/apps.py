from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: health checks, request ids, structured logs, security events, backups."""

    name = "newsroom.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        # Their signal receivers connect when they are imported.
        from newsroom.ops import request_id, security_events  # noqa: F401
