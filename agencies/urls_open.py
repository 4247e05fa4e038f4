"""Open-data addresses without a language prefix (JSON, CSV, feed)."""

from django.urls import path

from . import feeds, views_open

app_name = "open"
urlpatterns = [
    path("appointments.json", views_open.appointments_json, name="appointments_json"),
    path("appointments.csv", views_open.appointments_csv, name="appointments_csv"),
    path("feed.atom", feeds.feed, name="feed"),
]
