from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("people/<int:person_id>/", views.record, name="record"),
    path("people/<int:person_id>/assessments/new/", views.start_assessment, name="start_assessment"),
    path("people/<int:person_id>/assessments/new/<int:template_id>/", views.new_assessment, name="new_assessment"),
    path("people/<int:person_id>/assessments/<int:assessment_id>/", views.assessment, name="assessment"),
    path("people/<int:person_id>/plan/", views.edit_plan, name="edit_plan"),
    path("people/<int:person_id>/plan/goals/new/", views.add_goal, name="add_goal"),
    path("people/<int:person_id>/plan/goals/<int:goal_id>/", views.goal_status, name="goal_status"),
    path("people/<int:person_id>/plan/actions/new/", views.add_action, name="add_action"),
    path("people/<int:person_id>/plan/actions/<int:action_id>/", views.action_status, name="action_status"),
    path("people/<int:person_id>/plan/decisions/new/", views.add_decision, name="add_decision"),
    path("people/<int:person_id>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("people/<int:person_id>/capacity/new/", views.add_capacity, name="add_capacity"),
    path("people/<int:person_id>/visits/", views.visits, name="visits"),
    path("people/<int:person_id>/visits/<int:visit_id>/outcome/", views.visit_outcome, name="visit_outcome"),
    path("people/<int:person_id>/visits/<int:visit_id>/change/", views.change_visit, name="change_visit"),
    path("people/<int:person_id>/visits/<int:visit_id>/cancel/", views.cancel_visit, name="cancel_visit"),
    path("visits/", views.my_day, name="my_day"),
    path("assessments/templates/", views.templates, name="templates"),
    path("assessments/templates/<int:template_id>/questionnaire.json", views.questionnaire, name="questionnaire"),
    path("free-or-means-tested/", views.funding, name="funding"),
    path("roles/", views.role_guide, name="roles"),
    path("roles/<str:profession>/", views.role, name="role"),
    path("roles/<str:profession>/edit/", views.edit_role, name="edit_role"),
]
