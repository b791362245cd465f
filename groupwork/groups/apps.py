from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groupwork.groups"
    label = "groups"
