from django.urls import path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("appeals/new/", views.appeal_create, name="create"),
    path("track/", views.track, name="track"),
]
