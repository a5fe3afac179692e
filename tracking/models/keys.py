"""Keyed rows: the machine key SDKs send, its folded form, and the collision rule."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tracking.naming import fold_key


class KeyedModel(models.Model):
    """Abstract base for plan objects addressed by a key unique per plan after folding."""

    key = models.CharField(_("key"), max_length=128)
    key_folded = models.CharField(max_length=128, editable=False, db_index=False)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.key = self.key.strip()
        self.key_folded = fold_key(self.key)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def colliding_sibling(
        self, siblings: models.QuerySet[KeyedModel]
    ) -> KeyedModel | None:
        """The sibling whose key folds to the same form as this one's, if any."""
        if not self.key:
            return None
        return (
            siblings.filter(key_folded=fold_key(self.key.strip()))
            .exclude(pk=self.pk)
            .first()
        )

    def collision_message(self, other: KeyedModel) -> str:
        return str(
            _(
                "“%(key)s” collides with the existing “%(other)s” once case and separators are "
                "ignored. Reuse “%(other)s” or choose a different key."
            )
        ) % {"key": self.key.strip(), "other": other.key}
