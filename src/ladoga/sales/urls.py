from django.urls import path

from .views import catalogue, orders, printing

app_name = "sales"

urlpatterns = [
    path("", orders.order_list, name="orders"),
    path("orders/new/", orders.order_form, name="order_create"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/edit/", orders.order_form, name="order_edit"),
    path("orders/<int:order_id>/post/", orders.order_post, name="order_post"),
    path("orders/<int:order_id>/unpost/", orders.order_unpost, name="order_unpost"),
    path("orders/<int:order_id>/refill/", orders.order_refill, name="order_refill"),
    path("orders/<int:order_id>/invoice/", orders.order_invoice, name="order_invoice"),
    path("orders/<int:order_id>/ship/", orders.order_ship, name="order_ship"),
    path("agreements/", catalogue.agreement_list, name="agreements"),
    path("agreements/<int:agreement_id>/", catalogue.agreement_detail, name="agreement_detail"),
    path(
        "agreements/<int:agreement_id>/transition/",
        catalogue.agreement_transition,
        name="agreement_transition",
    ),
    path(
        "agreements/<int:agreement_id>/individual/",
        catalogue.agreement_individual,
        name="agreement_individual",
    ),
    path("products/", catalogue.product_list, name="products"),
    path("price-types/", catalogue.price_types_page, name="price_types"),
    path("proposals/", catalogue.proposal_list, name="proposals"),
    path("proposals/<int:proposal_id>/print/", printing.proposal_print, name="proposal_print"),
    path("invoices/<int:invoice_id>/print/", printing.invoice_print, name="invoice_print"),
    path("company/", catalogue.company, name="company"),
]
