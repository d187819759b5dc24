"""Site-wide search and the exports of any result list (issue 5)."""

from django.urls import path

from stories import search_views

app_name = "search"
urlpatterns = [
    path("search/", search_views.search, name="results"),
]
