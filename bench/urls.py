from django.urls import path

from bench.stock_admin import stock_site
from openalmaty.urls import urlpatterns as portal

urlpatterns = [path("stock-admin/", stock_site.urls), *portal]
