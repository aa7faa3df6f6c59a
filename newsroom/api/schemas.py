"""What the API reads: W3C Web Annotations as scripts and other tools write them. Unknown keys
(@context, id, created, ...) are ignored: the server decides them."""

from typing import Literal

from ninja import Field, Schema
from pydantic import StrictInt, field_validator


class BodyIn(Schema):
    type: str = "TextualBody"
    value: str = Field(description="The note (Markdown), or a tag's name when purpose is tagging.")
    purpose: str | None = None
    format: str | None = None


class SelectorIn(Schema):
    type: Literal["TextPositionSelector", "TextQuoteSelector"]
    # Strict: JSON's true is no offset 1, nor "5" offset 5.
    start: StrictInt | None = Field(None, ge=0)
    end: StrictInt | None = Field(None, ge=0)
    exact: str | None = None
    prefix: str = ""
    suffix: str = ""


class TargetIn(Schema):
    source: str | None = Field(None, description="Ignored on create: the container says which article.")
    selector: list[SelectorIn] = Field(default_factory=list)

    @field_validator("selector", mode="before")
    @classmethod
    def one_or_many(cls, value):
        return value if isinstance(value, list) else [value]


class AnnotationIn(Schema):
    """An annotation to create (POST to an article's container) or replace (PUT)."""

    type: str | list[str] = "Annotation"
    body: list[BodyIn] = Field(default_factory=list, description="The note, and a body per tag.")
    target: TargetIn | None = Field(None, description="The passage: required to create, unchanged on PUT.")
    visibility: Literal["public", "group", "private"] = "public"
    group: str | None = Field(None, description="The group's URL or slug, when visibility is group.")

    @field_validator("body", mode="before")
    @classmethod
    def one_or_many(cls, value):
        return [] if value is None else value if isinstance(value, list) else [value]


class ReplyIn(Schema):
    """A reply: its text, and (to answer a reply in the thread) that reply's IRI as target."""

    type: str | list[str] = "Annotation"
    body: BodyIn
    target: str | None = Field(None, description="The reply answered; the annotation itself if left out.")

    @field_validator("body", mode="before")
    @classmethod
    def the_one_body(cls, value):
        """A body given as an annotation's are, a list, holding one: the reply's text."""
        if isinstance(value, list):
            if len(value) != 1:
                raise ValueError("A reply has one body: its text.")
            return value[0]
        return value


class FlagIn(Schema):
    reason: str


class ErrorOut(Schema):
    error: str
    field: str | None = None
