from django.urls import path

from . import card_views, emulator_views, second_factor_views, token_views, views

app_name = "securelogin"
SECURITY = "account/security/secure-login/"  # the Client Portal's own path of these pages
urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("signin/verify/", second_factor_views.SigninVerifyView.as_view(), name="verify"),
    path("signout/", views.signout, name="signout"),
    path(f"{SECURITY}device/", views.security_device, name="security_device"),
    path(f"{SECURITY}card/offer/", card_views.card_offer, name="card_offer"),
    path(f"{SECURITY}card/", card_views.card, name="card"),
    path(f"{SECURITY}card/pdf/", card_views.card_pdf, name="card_pdf"),
    path(f"{SECURITY}card/activate/", card_views.card_activate, name="card_activate"),
    path(f"{SECURITY}card/activated/", card_views.card_activated, name="card_activated"),
    path(f"{SECURITY}token/activate/", token_views.token_activate, name="token_activate"),
    path("tasks/sign-in-again/", views.task_password, name="task_password"),
    path("tasks/verify/", second_factor_views.TaskVerifyView.as_view(), name="task_verify"),
    path("tasks/<slug:purpose>/", views.start_task, name="task"),
    path("device/", emulator_views.my_device, name="my_device"),
    path("devices/<int:pk>/", emulator_views.emulator, name="emulator"),
    path("devices/<int:pk>/respond/", emulator_views.respond, name="emulator_respond"),
    path("devices/<int:pk>/pin/", emulator_views.card_pin, name="emulator_pin"),
]
