from django.urls import path

from . import views

app_name = "loyalty"

urlpatterns = [
    path("", views.card_list, name="cards"),
    path("lookup/", views.card_lookup, name="lookup"),
    path("issue/", views.card_issue, name="issue"),
    path("holders/", views.holder_search, name="holder_search"),
    path("kinds/", views.kind_list, name="kinds"),
    path("kinds/new/", views.kind_edit, name="kind_create"),
    path("kinds/<int:kind_id>/", views.kind_edit, name="kind_edit"),
    path("<int:card_id>/", views.card_detail, name="card"),
    path("<int:card_id>/print/", views.card_print, name="card_print"),
    path("<int:card_id>/block/", views.card_block, name="card_block"),
    path("<int:card_id>/replace/", views.card_replace, name="card_replace"),
]
