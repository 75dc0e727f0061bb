from django.urls import path

from appeals import desk_views

# Included from appeals.urls under desk/, in the appeals namespace.
urlpatterns = [
    path("", desk_views.desk_page, name="desk"),
    path("citizens/", desk_views.citizens, name="desk_citizens"),
    path("suggest/", desk_views.suggest, name="desk_suggest"),
    path("stats/", desk_views.desk_stats, name="desk_stats"),
    path("visits/", desk_views.visit_start, name="desk_visit_start"),
    path("visits/<uuid:public_id>/appeals/", desk_views.visit_appeal, name="desk_visit_appeal"),
    path("visits/<uuid:public_id>/consultations/", desk_views.visit_consultation, name="desk_visit_consultation"),
    path("visits/<uuid:public_id>/handover/", desk_views.visit_handover, name="desk_visit_handover"),
    path("visits/<uuid:public_id>/finish/", desk_views.visit_finish, name="desk_visit_finish"),
    path("visits/<uuid:public_id>/draft/", desk_views.visit_draft, name="desk_visit_draft"),
    path("visits/<uuid:public_id>/receipt/", desk_views.visit_receipt, name="desk_receipt"),
    path("visits/<uuid:public_id>/receipt.pdf", desk_views.visit_receipt_pdf_view, name="desk_receipt_pdf"),
]
