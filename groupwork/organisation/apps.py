from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "groupwork.organisation"
    label = "organisation"
