from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "groupwork.casework"
    label = "casework"
    verbose_name = "Casework: one-to-ones, rules, assignments, incidents and complaints"
