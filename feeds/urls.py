from django.urls import re_path

from feeds import views

app_name = "feeds"
FMT = r"(?P<fmt>rss|atom)"
urlpatterns = [
    re_path(rf"^latest\.{FMT}$", views.latest_feed, name="latest"),
    re_path(rf"^topics/(?P<slug>[-\w]+)\.{FMT}$", views.topic_feed, name="topic"),
    re_path(rf"^companies/(?P<slug>[-\w]+)\.{FMT}$", views.company_feed, name="company"),
    re_path(rf"^search\.{FMT}$", views.search_feed, name="search"),
]
