from django.urls import path

from .views import agreements, catalogue, orders, pick, printing, products, proposals, segments

app_name = "sales"

urlpatterns = [
    path("", orders.order_list, name="orders"),
    path("orders/new/", orders.order_form, name="order_create"),
    path("orders/partner-options/", orders.order_partner_options, name="order_partner_options"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/edit/", orders.order_form, name="order_edit"),
    path("orders/<int:order_id>/post/", orders.order_post, name="order_post"),
    path("orders/<int:order_id>/unpost/", orders.order_unpost, name="order_unpost"),
    path("orders/<int:order_id>/refill/", orders.order_refill, name="order_refill"),
    path("orders/<int:order_id>/invoice/", orders.order_invoice, name="order_invoice"),
    path("orders/<int:order_id>/ship/", orders.order_ship, name="order_ship"),
    path("agreements/", catalogue.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_form, name="agreement_create"),
    path("agreements/<int:agreement_id>/edit/", agreements.agreement_form, name="agreement_edit"),
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
    path("products/new/", products.product_form, name="product_create"),
    path("products/<int:product_id>/", products.product_detail, name="product_detail"),
    path("products/<int:product_id>/edit/", products.product_form, name="product_edit"),
    path("products/<int:product_id>/archive/", products.product_archive, name="product_archive"),
    path("products/<int:product_id>/restore/", products.product_restore, name="product_restore"),
    path("products/<int:product_id>/prices/", products.product_price_set, name="product_price_set"),
    path("price-types/", catalogue.price_types_page, name="price_types"),
    path("product-groups/", products.product_groups_page, name="product_groups"),
    path("price-types/new/", products.price_type_form, name="price_type_create"),
    path("price-types/<int:price_type_id>/edit/", products.price_type_form, name="price_type_edit"),
    path("proposals/", catalogue.proposal_list, name="proposals"),
    path("proposals/new/", proposals.proposal_form, name="proposal_create"),
    path(
        "proposals/partner-options/",
        proposals.proposal_partner_options,
        name="proposal_partner_options",
    ),
    path("proposals/<int:proposal_id>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_id>/edit/", proposals.proposal_form, name="proposal_edit"),
    path(
        "proposals/<int:proposal_id>/status/",
        proposals.proposal_transition,
        name="proposal_transition",
    ),
    path("partners/search/", pick.partner_search, name="partner_search"),
    path("proposals/<int:proposal_id>/print/", printing.proposal_print, name="proposal_print"),
    path("invoices/<int:invoice_id>/print/", printing.invoice_print, name="invoice_print"),
    path("company/", catalogue.company, name="company"),
    path("segments/", segments.segment_list, name="segments"),
    path("segments/<int:segment_id>/rule/", segments.segment_rule_form, name="segment_rule"),
    path(
        "segments/<int:segment_id>/recompute/",
        segments.segment_recompute,
        name="segment_recompute",
    ),
]
