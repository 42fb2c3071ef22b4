"""Document reviewers also ask clients for documents (add, change, view document requests)."""
from django.db import migrations

PERMISSIONS = ["add_documentrequest", "change_documentrequest", "view_documentrequest"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("documents")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Document reviewers")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="documents", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_document_request")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
