from django.urls import path

from newsroom.jobs import views

app_name = "jobs"
urlpatterns = [
    path("jobs/<uuid:pk>/", views.job_detail, name="detail"),
    path("jobs/<uuid:pk>/status/", views.job_status, name="status"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="download"),
]
