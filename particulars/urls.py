from django.urls import path

from . import views

app_name = "particulars"
urlpatterns = [
    path("", views.change_list, name="list"),
    path("<int:pk>/approve/", views.change_approve, name="approve"),
    path("<int:pk>/reject/", views.change_reject, name="reject"),
]
