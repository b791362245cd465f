from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "groupwork.participants"
    label = "participants"
