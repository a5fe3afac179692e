from django.db import migrations, models


class Migration(migrations.Migration):
    """Room for sealed dead letters and their metadata; the old payload gets a default so that
    it can come back empty if this is ever reversed (see 0005)."""

    dependencies = [
        ("governance", "0002_pending_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadletterbatch",
            name="endpoint",
            field=models.CharField(blank=True, max_length=16, verbose_name="endpoint"),
        ),
        migrations.AddField(
            model_name="deadletterbatch",
            name="received_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="received"),
        ),
        migrations.AddField(
            model_name="deadletterbatch",
            name="body_size",
            field=models.PositiveIntegerField(
                default=0, verbose_name="body size (characters)"
            ),
        ),
        migrations.AddField(
            model_name="deadletterbatch",
            name="sealed_payload",
            field=models.TextField(
                default="", editable=False, verbose_name="sealed payload"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="deadletterbatch",
            name="payload",
            field=models.JSONField(default=dict, verbose_name="payload"),
        ),
        migrations.AddIndex(
            model_name="deadletterbatch",
            index=models.Index(fields=["failed_at"], name="dead_letter_age"),
        ),
    ]
