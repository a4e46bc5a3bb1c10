from django.urls import path

from . import views

app_name = "mdt"
urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("meetings/new/", views.schedule, name="schedule"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/print/", views.print_agenda, name="print"),
    path("meetings/<int:meeting_id>/suggestions/", views.suggested, name="suggestions"),
    path("meetings/<int:meeting_id>/items/new/", views.add_item, name="add_item"),
    path("items/<int:item_id>/", views.item, name="item"),
    path("items/<int:item_id>/attendance/", views.item_step, {"name": "attendance"}, name="attendance"),
    path("items/<int:item_id>/outcome/", views.item_step, {"name": "outcome"}, name="outcome"),
    path("items/<int:item_id>/actions/", views.item_step, {"name": "action"}, name="add_action"),
    path("actions/<int:action_id>/done/", views.complete_action, name="complete_action"),
    path("people/<int:person_id>/request/", views.request_discussion, name="request"),
    path("huddle/teams/<int:team_id>/", views.huddle, name="huddle"),
    path("huddle/teams/<int:team_id>/board/", views.huddle_board, name="huddle_board"),
]
