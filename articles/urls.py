from django.urls import path

app_name = "articles"
urlpatterns = []
