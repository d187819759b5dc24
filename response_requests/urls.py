from django.urls import path

from response_requests import views

app_name = "response_requests"

urlpatterns = [
    path("<str:token>/", views.answer, name="answer"),
]
