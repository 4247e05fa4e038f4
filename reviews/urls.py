from django.urls import path

from . import views, views_staff

app_name = "reviews"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("cases/", views_staff.case_search, name="search"),
    path("cases/export/", views_staff.case_search_export, name="search_export"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/file/", views_staff.case_file, name="case_file"),
    path("cases/<int:pk>/documents/<int:document_pk>/", views_staff.case_document, name="case_document"),
    path("cases/<int:pk>/notes/", views_staff.case_note_add, name="case_note_add"),
    path("cases/<int:pk>/messages/", views_staff.case_message_send, name="case_message_send"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("assignments/", views.my_reviews, name="my_reviews"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/respond/", views.respond, name="respond"),
    path("approvals/", views.approvals, name="approvals"),
]
