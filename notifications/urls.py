from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.message_list_view, name="list"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("read-all/", views.mark_all_read_view, name="mark_all_read"),
    path("<int:pk>/", views.message_detail_view, name="detail"),
    path("<int:pk>/read/", views.mark_read_view, name="mark_read"),
]
