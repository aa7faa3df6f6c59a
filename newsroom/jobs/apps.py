from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "newsroom.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
