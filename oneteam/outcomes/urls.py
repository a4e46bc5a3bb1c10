from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download.csv", views.download, name="download"),
]
