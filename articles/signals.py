"""Names shown on article pages change elsewhere: a display name (accounts), a user name (the
admin). The pages' caches are keyed on each article's change stamp, so those articles are stamped."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.services.annotations import touch_articles_of_author
from newsroom.accounts.models import Profile


@receiver(post_save, sender=Profile, dispatch_uid="articles.display_name_saved")
def display_name_saved(sender, instance, created, update_fields, **kwargs):
    if created and not instance.display_name:
        return  # a new profile without a name: the user name shows, as before
    if update_fields is None or "display_name" in update_fields:
        touch_articles_of_author(instance.user_id)


@receiver(post_delete, sender=Profile, dispatch_uid="articles.display_name_deleted")
def display_name_deleted(sender, instance, **kwargs):
    if instance.display_name:
        touch_articles_of_author(instance.user_id)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="articles.user_name_saved")
def user_name_saved(sender, instance, created, update_fields, **kwargs):
    # A sign-in saves only last_login; the admin saves every field, a renaming among them.
    if not created and (update_fields is None or "username" in update_fields):
        touch_articles_of_author(instance.pk)
