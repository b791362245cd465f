from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "groupwork.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
