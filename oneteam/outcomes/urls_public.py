from django.urls import path

from . import views_experience

app_name = "outcomes_public"
urlpatterns = [
    path("your-care/thank-you/", views_experience.thank_you, name="thank_you"),
    path("your-care/<str:token>/", views_experience.questionnaire, name="questionnaire"),
]
