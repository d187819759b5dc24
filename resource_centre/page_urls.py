"""Site-wide pages under the language prefix: home, hiding the site message."""

urlpatterns = []
