from django.urls import path

from newsroom.api.api import api

urlpatterns = [
    path("api/", api.urls),
]
