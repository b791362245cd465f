from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "groupwork.tasks"
    label = "tasks"
    verbose_name = "Tasks"
