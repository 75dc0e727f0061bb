from django.urls import path

from bench import floor
from bench.stock_admin import stock_site
from openalmaty.urls import urlpatterns as portal

urlpatterns = [
    path("stock-admin/", stock_site.urls),
    path("bench-floor/register/", floor.register),
    *portal,
]
