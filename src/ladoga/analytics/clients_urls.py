"""URL patterns of monitoring, contact norms overdue and the dossier (under /analytics/)."""

from django.urls import path

from . import clients_views as views

urlpatterns = [
    path("deal-monitoring/", views.deal_monitoring, name="deal_monitoring"),
    path("contact-norms/overdue/", views.contact_norms_overdue, name="contact_norms_overdue"),
    path("partners/<int:partner_id>/dossier/", views.dossier, name="dossier"),
    path("partners/<int:partner_id>/dossier.pdf", views.dossier_download, name="dossier_pdf"),
]
