from django.urls import path

from .views import audit, governance, person_access, sign_in, two_factor, unlock

app_name = "access"
urlpatterns = [
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("sign-in/code/", sign_in.enter_code, name="sign_in_code"),
    path("sign-in/recovery-code/", sign_in.enter_recovery_code, name="sign_in_recovery_code"),
    path("sign-in/set-up-two-factor/", sign_in.set_up_at_sign_in, name="sign_in_set_up"),
    path("account/two-factor/", two_factor.overview, name="two_factor"),
    path("accounts/unlock-sign-in/", unlock.unlock_sign_in, name="unlock_sign_in"),
    path("account/two-factor/set-up/", two_factor.set_up, name="two_factor_set_up"),
    path("people/<int:person_id>/sharing/", person_access.who_can_see, name="who_can_see"),
    path("people/<int:person_id>/sharing/consent/", person_access.record_consent, name="record_consent"),
    path("people/<int:person_id>/sharing/objection/", person_access.record_objection, name="record_objection"),
    path(
        "people/<int:person_id>/sharing/objection/<int:objection_id>/withdraw/",
        person_access.withdraw_objection,
        name="withdraw_objection",
    ),
    path("people/<int:person_id>/emergency-access/", person_access.emergency_access, name="emergency_access"),
    path("governance/emergency-access/", governance.review_queue, name="review_queue"),
    path("governance/emergency-access/<int:access_id>/", governance.review, name="review"),
    path("governance/flags/<int:flag_id>/reviewed/", governance.review_flag, name="review_flag"),
    path("governance/sharing-agreements/", governance.agreement_list, name="agreement_list"),
    path("governance/sharing-agreements/<str:code>/", governance.agreement_detail, name="agreement_detail"),
    path(
        "governance/sharing-agreements/<str:code>/versions/<int:version>/",
        governance.agreement_detail,
        name="agreement_version",
    ),
    path("governance/sharing-agreements/<str:code>/edit/", governance.agreement_edit, name="agreement_edit"),
    path("audit/", audit.find, name="audit"),
    path("audit/people/<int:person_id>/", audit.person_log, name="audit_person"),
    path("audit/people/<int:person_id>/report/", audit.subject_access_report, name="subject_access_report"),
    path("audit/people/<int:person_id>/report.csv", audit.subject_access_csv, name="subject_access_csv"),
    path("audit/staff/<str:username>/", audit.staff_log, name="audit_staff"),
]
