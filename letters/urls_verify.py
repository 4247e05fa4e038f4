from django.urls import path

from . import views

app_name = "verify"
urlpatterns = [
    path("<str:code>/", views.verify, name="letter"),
    path("<str:code>/check/", views.verify_check, name="check"),
]
