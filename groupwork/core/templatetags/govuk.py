"""Template helpers for GOV.UK form markup."""

from typing import Any

from django import template
from django.forms.utils import flatatt
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def html_attrs(attrs: dict[str, Any]) -> SafeString:
    """A widget's attributes as attrs.html writes them (True a bare name, False left out),
    with Django's own `flatatt`, so a long form needs no template per widget."""
    return flatatt(attrs)
