"""Pages that gather several capabilities."""

from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("people/<int:person_id>/timeline/", views.timeline, name="timeline"),
    path("inbox/", views.inbox, name="inbox"),
]
