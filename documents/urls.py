from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("check/", views.check, name="check"),
    path("submissions/", views.submission_list, name="submission_list"),
    path("submissions/<str:reference>/", views.submission_detail, name="submission_detail"),
    path("submissions/<str:reference>/photos/<int:position>/thumbnail.jpg", views.thumbnail, name="thumbnail"),
]
