from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
    path("search/open/<int:stat_id>/<slug:slug>/", views.search_open, name="search_open"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/preview/", views.article_preview, name="article_preview"),
    path("articles/<slug:slug>/feedback/", views.feedback, name="feedback"),
    path("kb/<str:kb_number>/", views.kb_redirect, name="kb_redirect"),
    path("help/cannot-sign-in/", views.troubleshooter, name="troubleshooter"),
    path("help/cannot-sign-in/<slug:anchor>/", views.situation, name="situation"),
]
