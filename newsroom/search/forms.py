"""The search page's query string, checked: a value that is not a choice is an error, not ignored."""

from django import forms

from articles.models import Outlet, Story
from newsroom.accounts.models import Group, memberships_of
from newsroom.search.queries import Filters

QUERY_MAX_CHARS = 500
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(label="Search for", max_length=QUERY_MAX_CHARS, required=False)
    kind = forms.ChoiceField(
        label="Results", choices=[("articles", "Articles"), ("annotations", "Annotations")], required=False
    )
    story = forms.ModelChoiceField(
        Story.objects.confirmed(), label="Story", to_field_name="slug", required=False
    )
    outlet = forms.ModelChoiceField(Outlet.objects.all(), to_field_name="slug", required=False)
    tag = forms.SlugField(max_length=100, allow_unicode=True, required=False)
    author = forms.CharField(
        label="By", max_length=150, required=False, help_text="A user name or display name."
    )
    group = forms.ModelChoiceField(
        Group.objects.none(), to_field_name="slug", required=False, empty_label="any"
    )
    layer = forms.ChoiceField(
        label="Layer",
        choices=[("", "all I can see"), ("mine", "mine"), ("group", "my groups'"), ("public", "public")],
        required=False,
    )
    annotated = forms.ChoiceField(
        label="Articles",
        choices=[("", "annotated or not"), ("yes", "annotated"), ("no", "not annotated")],
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by", choices=[("relevance", "relevance"), ("date", "date")], required=False
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        # "from" is a keyword in Python: these two are added by name.
        self.fields["from"] = forms.DateField(label="Published from", required=False, widget=DATE_INPUT)
        self.fields["to"] = forms.DateField(label="Published until", required=False, widget=DATE_INPUT)
        group_ids = [membership.group_id for membership in memberships_of(user)]
        self.fields["group"].queryset = Group.objects.filter(pk__in=group_ids)
        self.in_groups = bool(group_ids)  # whether to offer the group filter at all

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "The end date is before the start date.")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            story=data["story"],
            outlet=data["outlet"],
            tag=data["tag"],
            author=data["author"],
            group=data["group"],
            layer=data["layer"],
            date_from=data["from"],
            date_to=data["to"],
            annotated=data["annotated"],
        )
