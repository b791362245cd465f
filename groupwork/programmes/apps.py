from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "groupwork.programmes"
    label = "programmes"
