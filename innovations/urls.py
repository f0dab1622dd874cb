from django.urls import path

from innovations import views

app_name = "innovations"
urlpatterns = [
    path("", views.innovation_list_view, name="list"),
    path("new/", views.innovation_create_view, name="create"),
    path("<int:pk>/", views.innovation_detail_view, name="detail"),
    path("<int:pk>/edit/", views.innovation_edit_view, name="edit"),
    path("<int:pk>/adopt/", views.innovation_adopt_view, name="adopt"),
    path("<int:pk>/publish/", views.PAGES.publish, name="publish"),
    path("<int:pk>/unpublish/", views.PAGES.unpublish, name="unpublish"),
    path("<int:pk>/delete/", views.PAGES.delete, name="delete"),
    path("<int:pk>/partners/add/", views.partner_add_view, name="partner_add"),
    path("<int:pk>/partners/<int:partner_pk>/remove/", views.partner_remove_view, name="partner_remove"),
    path("<int:pk>/links/add/", views.link_add_view, name="link_add"),
    path("<int:pk>/links/<int:link_pk>/remove/", views.link_remove_view, name="link_remove"),
    path("<int:pk>/attachments/add/", views.attachment_add_view, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download_view, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", views.attachment_remove_view, name="attachment_remove"),
    path("<int:pk>/images/add/", views.image_add_view, name="image_add"),
    path("<int:pk>/images/<int:image_pk>/", views.image_view, name="image"),
    path("<int:pk>/images/<int:image_pk>/remove/", views.image_remove_view, name="image_remove"),
    path("<int:pk>/source/", views.innovation_source_view, name="propose_source"),
    path("source-proposals/<int:proposal_pk>/confirm/", views.proposal_confirm_view, name="proposal_confirm"),
    path("source-proposals/<int:proposal_pk>/decline/", views.proposal_decline_view, name="proposal_decline"),
    path("source-proposals/<int:proposal_pk>/withdraw/", views.proposal_withdraw_view, name="proposal_withdraw"),
]
