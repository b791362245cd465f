from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "groupwork.api"
    label = "api"
    verbose_name = "REST API"
