from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invite/", views.invitation_create, name="invitation_create"),
    path("organisations/<int:pk>/join/", views.join_request_create, name="join_request_create"),
    path(
        "organisations/<int:pk>/join-requests/<int:request_pk>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("collaborators/search/", views.collaborator_search, name="collaborator_search"),
    path("new/<slug:scheme>/", views.application_start, name="start"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/autosave/", views.application_autosave, name="autosave"),
    path("<int:pk>/discard/", views.application_discard, name="discard"),
    path("<int:pk>/criteria/<int:criterion_pk>/", views.evidence_edit, name="evidence"),
    path("<int:pk>/documents/", views.document_list, name="documents"),
    path("<int:pk>/documents/<int:document_pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/documents/<int:document_pk>/download/", views.document_download, name="document_download"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    path("<int:pk>/status/", views.application_status, name="status"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<int:pk>/resubmit/", views.application_resubmit, name="resubmit"),
    path(
        "<int:pk>/requests/<int:request_pk>/answer/",
        views.information_request_respond,
        name="information_request_respond",
    ),
]
