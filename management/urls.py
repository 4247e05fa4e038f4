from django.urls import path

from . import views

app_name = "management"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.cases, name="cases"),
    path("open/", views.open_cases, name="open_cases"),
    path("export/<slug:name>.<slug:fmt>", views.export, name="export"),
]
