"""Pages that gather several capabilities."""

from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
]
