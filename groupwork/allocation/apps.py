from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "groupwork.allocation"
    label = "allocation"
