from django.urls import include, path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("appeals/new/", views.appeal_create, name="create"),
    path("appeals/new/phone/", views.confirm_phone, name="confirm_phone"),
    path("appeals/ask/", views.ask, name="ask"),
    path("appeals/receipt/<uuid:public_id>/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/file/<uuid:public_id>/", views.attachment_download, name="attachment"),
    # The personal cabinet. Appeals are addressed by their random public id: a URL says nothing about others.
    path("cabinet/", views.cabinet, name="cabinet"),
    path("cabinet/appeals/<uuid:public_id>/", views.cabinet_appeal, name="cabinet_appeal"),
    path("cabinet/appeals/<uuid:public_id>/<slug:action>/", views.cabinet_appeal, name="cabinet_action"),
    path("cabinet/notifications/", views.cabinet_notifications, name="cabinet_notifications"),
    path("cabinet/my-data.json", views.cabinet_data, name="cabinet_data"),
    path("cabinet/delete/", views.cabinet_delete, name="cabinet_delete"),
    # The clerk's desk (front office and call centre): operators only.
    path("desk/", include("appeals.desk_urls")),
]
