"""The "Document reviewers" group: see and review submissions and their photos, read the access log."""
from django.db import migrations

PERMISSIONS = ["view_submission", "change_submission", "view_photo", "view_photoaccess"]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("documents")  # permissions are otherwise only made after all migrations
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Document reviewers")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="documents", codename__in=PERMISSIONS))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Document reviewers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_photo_access"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
