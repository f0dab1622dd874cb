"""The registry's pages under /innovations/ (`innovations:`), and the front page, which keeps its site-wide name
`core:home` (config/urls.py joins `core_urls` into the `core:` namespace). Each views module lists its own routes in
`urls`."""

from innovations.views import front_page, records

app_name = "innovations"
urlpatterns = records.urls
core_urls = front_page.urls
