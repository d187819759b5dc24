from django.urls import path, re_path

from companies import views

app_name = "companies"
urlpatterns = [
    path("", views.CompanyListView.as_view(), name="company_list"),
    re_path(r"^(?P<slug>[-\w]+)/$", views.CompanyDetailView.as_view(), name="company_detail"),
]
