from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "groupwork.audit"
    label = "audit"
