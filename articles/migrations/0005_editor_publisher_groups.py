"""The "Editor" and "Publisher" groups: editors write and send to review, publishers also publish."""
from django.db import migrations

CONTENT = ["article", "section", "step", "figure", "category"]
EDITOR = [f"{action}_{model}" for model in CONTENT for action in ("add", "change", "view")] + [
    "view_feedback", "view_failedsearch", "view_searchstat", "view_synonym", "change_synonym", "add_synonym",
]
PUBLISHER = EDITOR + ["publish_article", "delete_section", "delete_step", "delete_figure"]
GROUPS = {"Editor": EDITOR, "Publisher": PUBLISHER}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("articles")  # permissions are otherwise only made after all migrations
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow_history_feedback_views"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
