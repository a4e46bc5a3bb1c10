"""Referral pages outside the staff referral pages: the public self-referral form, the hospital API,
discharge handovers and response targets.

The first three routes need no sign-in (each view says so and why); the rest need a signed-in member of staff.
"""

from django.urls import path

from . import views_discharge, views_hospital, views_public, views_targets

app_name = "referrals_public"

urlpatterns = [
    path("refer-yourself/", views_public.self_referral, name="self_referral"),
    path("refer-yourself/sent/", views_public.self_referral_sent, name="self_referral_sent"),
    path("api/hospital/encounters", views_hospital.encounters, name="hospital_encounters"),
    path("referrals/discharges/<int:handover_id>/", views_discharge.discharge_handover, name="discharge_handover"),
    path("referrals/discharges/<int:handover_id>/accept/", views_discharge.accept_discharge, name="accept_discharge"),
    path(
        "referrals/discharges/<int:handover_id>/decline/", views_discharge.decline_discharge, name="decline_discharge"
    ),
    path("referrals/response-targets/", views_targets.response_targets, name="response_targets"),
]
