from django.urls import path

from connectivity import views

app_name = "connectivity"
urlpatterns = [
    path("", views.connectivity_test, name="test"),
    path("ping/", views.ping, name="ping"),
]
