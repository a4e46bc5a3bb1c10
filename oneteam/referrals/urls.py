from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "referrals"
urlpatterns = [
    path("new/", views.refer, name="refer"),
    path("new/people/<int:person_id>/", views.refer_person, name="refer_person"),
    # The inbox gathers every capability's work, so it lives in `workspace`; old links still arrive there.
    path("inbox/", RedirectView.as_view(pattern_name="workspace:inbox"), name="inbox"),
    path("inbox/notices/<int:notice_id>/read/", views.mark_notice_read, name="mark_notice_read"),
    path("teams/<int:team_id>/queue/", views.queue, name="queue"),
    path("<int:referral_id>/", views.referral, name="referral"),
    path("<int:referral_id>/sent/", views.sent, name="sent"),
    path("<int:referral_id>/triage/", views.triage, name="triage"),
    path("<int:referral_id>/find-by-name/", views.find_by_name, name="find_by_name"),
    path("<int:referral_id>/allocate/", views.step, {"name": "allocate"}, name="allocate"),
    path("<int:referral_id>/offer/", views.step, {"name": "offer"}, name="offer"),
    path("<int:referral_id>/accept/", views.step, {"name": "accept"}, name="accept"),
    path("<int:referral_id>/decline/", views.step, {"name": "decline"}, name="decline"),
    path("<int:referral_id>/first-contact/", views.step, {"name": "first_contact"}, name="first_contact"),
    path("<int:referral_id>/close/", views.step, {"name": "close"}, name="close"),
    path("people/<int:person_id>/key-worker/", views.change_key_worker, name="change_key_worker"),
]
