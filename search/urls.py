"""Site-wide search and the exports of any result list (issue 5)."""

from django.urls import path, re_path

from search import views

app_name = "search"
FMT = r"(?P<fmt>csv|json)"
urlpatterns = [
    path("search/", views.search, name="results"),
    re_path(rf"^search/export\.{FMT}$", views.export_items, name="export"),
    re_path(rf"^search/responses\.{FMT}$", views.export_responses, name="responses_export"),
]
