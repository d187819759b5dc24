"""Language-neutral addresses: sitemap.xml, robots.txt."""

app_name = "site"
urlpatterns = []
