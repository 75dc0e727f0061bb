from django.urls import path

from life_situations import views

app_name = "life_situations"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("search/", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("sphere/<slug:slug>/", views.sphere, name="sphere"),
    path("<slug:slug>/", views.guide, name="guide"),
    path("<slug:slug>/feedback/", views.feedback, name="feedback"),
]
