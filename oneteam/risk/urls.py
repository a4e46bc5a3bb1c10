from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("", views.cohort_list, name="cohort"),
    path("fairness/", views.fairness, name="fairness"),
    path("weights/", views.weights, name="weights"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/refer/", views.refer, name="refer"),
    path("people/<int:person_id>/propose-for-mdt/", views.propose, name="propose"),
]
