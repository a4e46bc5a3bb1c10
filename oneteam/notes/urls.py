from django.urls import path

from . import views

app_name = "notes"
urlpatterns = [
    path("people/<int:person_id>/", views.notes, name="notes"),
]
