from django.urls import path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("appeals/new/", views.appeal_create, name="create"),
    path("appeals/new/phone/", views.confirm_phone, name="confirm_phone"),
    path("appeals/ask/", views.ask, name="ask"),
    path("appeals/receipt/<uuid:public_id>/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/file/<uuid:public_id>/", views.attachment_download, name="attachment"),
]
