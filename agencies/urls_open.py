"""Open-data addresses without a language prefix (JSON, CSV, feed)."""

from django.urls import path  # noqa: F401

app_name = "open"
urlpatterns: list = []
