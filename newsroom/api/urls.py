from django.urls import path

from newsroom.api import export_views, import_views
from newsroom.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("export/", export_views.export, name="export"),
    path("export/download/", export_views.export_download, name="export_download"),
    path("export/prepare/", export_views.export_prepare, name="export_prepare"),
    path("export/report/", export_views.export_report, name="export_report"),
    path("import/", import_views.annotation_import, name="annotation_import"),
]
