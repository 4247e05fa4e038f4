from django.urls import path

from . import views

app_name = "agencies"
urlpatterns = [
    path("", views.register, name="register"),
    path("list/", views.appointed_list, name="appointed_list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("timeline/", views.timeline, name="timeline"),
    path("about/", views.about, name="about"),
    path("about/<slug:topic>/", views.about, name="about_topic"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:pk>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/<int:pk>/unpublish/", views.manage_unpublish, name="manage_unpublish"),
    path("manage/<int:pk>/vary/", views.manage_vary, name="manage_vary"),
    path("manage/<int:pk>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("manage/<int:pk>/terms/new/", views.manage_term, name="manage_term"),
]
