from django.urls import path

from . import views

app_name = "letters"
urlpatterns = [
    path("<int:pk>/download/", views.letter_download, name="download"),
    path("cases/<int:pk>/preview/<slug:kind>/", views.letter_preview, name="preview"),
    path("cases/<int:pk>/dossier/", views.dossier_request, name="dossier_request"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/status.json", views.dossier_status, name="dossier_status"),
    path("dossiers/<int:pk>/download/", views.dossier_download, name="dossier_download"),
]
