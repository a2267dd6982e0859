from . import clients_urls

app_name = "analytics"

urlpatterns = [
    *clients_urls.urlpatterns,
]
