"""Accredited programmes. Their shape (modules, sessions, rules) is data loaded from files."""

from django.db import models


class Programme(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
