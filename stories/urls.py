from django.urls import path, re_path

from stories import views

app_name = "stories"
# Slugs may hold non-Latin letters ("droits-numériques"), hence [-\w]+ rather than <slug:>.
SLUG = r"(?P<slug>[-\w]+)"
urlpatterns = [
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    re_path(rf"^topics/{SLUG}/$", views.TopicDetailView.as_view(), name="topic_detail"),
    re_path(rf"^articles/{SLUG}/$", views.ArticleDetailView.as_view(), name="article_detail"),
    re_path(rf"^stories/{SLUG}/$", views.StoryDetailView.as_view(), name="story_detail"),
    re_path(rf"^opinions/{SLUG}/$", views.OpinionDetailView.as_view(), name="opinion_detail"),
    re_path(rf"^statements/{SLUG}/$", views.StatementDetailView.as_view(), name="statement_detail"),
    re_path(rf"^items/{SLUG}/$", views.ItemRedirectView.as_view(), name="item_detail"),
]
