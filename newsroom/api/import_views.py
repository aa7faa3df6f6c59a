"""The import page: upload a file of annotations, read what a dry run would do, then import it."""

import hashlib
import json

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render

from newsroom.api.imports import MAX_FILE_BYTES, ImportFileError, import_annotations, read_document
from newsroom.limits import RateLimited, check_import


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Annotation file",
        help_text=f"JSON from Hypothesis, Recogito or our export, up to {MAX_FILE_BYTES // 1_000_000} MB.",
        widget=forms.FileInput(attrs={"accept": ".json,.jsonld,application/json,application/ld+json"}),
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run: show what would be imported, and change nothing"
    )
    creators = forms.CharField(
        required=False,
        label="Creators (staff)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='JSON naming who wrote what: {"acct:alice@hypothes.is": "alice"}. Others become yours.',
    )
    # The SHA-256 of the file the dry run showed: the import runs on that file only.
    checked = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_staff:
            del self.fields["creators"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(f"The file is larger than {MAX_FILE_BYTES:,} bytes.")
        return upload

    def clean_creators(self):
        value = self.cleaned_data["creators"].strip()
        try:
            return json.loads(value) if value else {}
        except (ValueError, RecursionError):
            raise ValidationError(
                'Write the creators as JSON: {"acct:alice@hypothes.is": "alice"}.'
            ) from None


def import_upload(form: ImportForm, request):
    """The report of the uploaded file's import (a dry run if asked, or if it is not the file the
    dry run showed), and the file's digest."""
    raw = form.cleaned_data["file"].read()
    digest = hashlib.sha256(raw).hexdigest()
    checked = form.cleaned_data["checked"]
    dry_run = form.cleaned_data["dry_run"] or bool(checked and checked != digest)
    creators = form.cleaned_data.get("creators")
    report = import_annotations(
        read_document(raw),
        user=request.user,
        dry_run=dry_run,
        creators=creators,
        before_write=lambda count: check_import(request, count),
    )
    return report, digest


@login_required
def annotation_import(request):
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report, digest, status, retry_after = None, None, 400, None
    if form.is_valid():
        try:
            report, digest = import_upload(form, request)
        except ImportFileError as error:
            form.add_error("file", str(error))
        except RateLimited as error:  # over IMPORTED_PER_HOUR: nothing was imported
            form.add_error(None, str(error))
            status, retry_after = 429, error.retry_after
    if report is None:
        response = page(request, {"form": form}, status=status if form.errors else 200)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response
    # The confirm button sends the same file with the digest and creators map of its dry run.
    confirm = {"checked": digest, "creators": request.POST.get("creators", "")}
    context = {"form": ImportForm(user=request.user), "report": report, "confirm": confirm}
    return page(request, context)


def page(request, context: dict, status: int = 200):
    context |= {"imported_per_hour": settings.IMPORTED_PER_HOUR}
    return render(request, "api/import.html", context, status=status)
