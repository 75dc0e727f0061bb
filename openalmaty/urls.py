from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from openalmaty import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
]

# Russian pages live at /, Kazakh at /kk/, English at /en/: a link keeps its language when shared.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("guides/", include("life_situations.urls")),
    path("", include("appeals.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
