from django.urls import path

from documents import handoff_views, phone_views, views

app_name = "documents"
THUMBNAIL = "photos/<int:position>/thumbnail.jpg"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("check/", views.check, name="check"),
    path("submissions/", views.submission_list, name="submission_list"),
    path("submissions/<str:reference>/", views.submission_detail, name="submission_detail"),
    path(f"submissions/<str:reference>/{THUMBNAIL}", views.thumbnail, name="thumbnail"),
    # Hand-off to the phone: the desktop side (signed in)…
    path("phone/new/", handoff_views.start, name="handoff_start"),
    path("phone/<int:pk>/", handoff_views.page, name="handoff"),
    path("phone/<int:pk>/status/", handoff_views.status, name="handoff_status"),
    path(f"phone/<int:pk>/{THUMBNAIL}", handoff_views.thumbnail, name="handoff_thumbnail"),
    # …and the phone's (no sign-in: the link's token, then the cookie it sets).
    path("p/<str:token>/", phone_views.open_link, name="phone_open"),
    path("from-phone/", phone_views.phone, name="phone"),
    path("from-phone/done/", phone_views.done, name="phone_done"),
]
