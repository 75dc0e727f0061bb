from django.urls import path

from life_situations import views

app_name = "life_situations"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("search/", views.search, name="search"),
]
