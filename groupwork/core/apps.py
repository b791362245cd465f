from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "groupwork.core"
    label = "core"
