from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "groupwork.assessment"
    label = "assessment"
