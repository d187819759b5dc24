"""Site-wide pages under the language prefix: home, hiding the site message."""

from django.urls import path

from resource_centre import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("message/hide/", views.hide_site_message, name="hide_site_message"),
]
