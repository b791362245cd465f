from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "groupwork.notifications"
    label = "notifications"
    verbose_name = "Text messages and e-mails"
