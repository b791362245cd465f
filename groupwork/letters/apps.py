from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "groupwork.letters"
    label = "letters"
    verbose_name = "Letters"
