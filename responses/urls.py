from django.urls import re_path

from responses import views

app_name = "responses"
urlpatterns = [
    re_path(
        r"^(?P<slug>[-\w]+)/$", views.CompanyResponseDetailView.as_view(), name="response_detail"
    ),
]
