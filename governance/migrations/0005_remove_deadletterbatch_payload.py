from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_seal_dead_letters"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="deadletterbatch",
            name="payload",
        ),
    ]
