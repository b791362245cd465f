from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "groupwork.enforcement"
    label = "enforcement"
    verbose_name = "Enforcement"
