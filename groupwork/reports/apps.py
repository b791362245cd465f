from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "groupwork.reports"
    label = "reports"
    verbose_name = "Reports, measures and the capacity forecast"
