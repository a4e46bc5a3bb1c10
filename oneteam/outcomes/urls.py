from django.urls import path

from . import views, views_experience

app_name = "outcomes"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download.csv", views.download, name="download"),
    path("workload/", views.workload, name="workload"),
    path("experience/", views_experience.links, name="experience_links"),
    path("experience/episodes/<int:episode_id>/", views_experience.make_link, name="make_experience_link"),
]
