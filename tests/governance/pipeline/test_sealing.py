"""Dead-letter batches sealed at rest: unreadable without a key, opened by any configured key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from governance.pipeline.sealing import UnreadableLetter, seal, unseal

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
BATCH = {
    "batch_id": "0b9e7f43-3c7a-4e0b-9d2c-6c1f1b8b7a11",
    "endpoint": "batch",
    "body": '{"batch": [{"type": "track", "event": "Call 13807221732"}]}',
}


def test_a_sealed_batch_opens_whole():
    assert unseal(seal(BATCH, keys=[NEW]), keys=[NEW]) == BATCH


def test_a_sealed_batch_holds_no_readable_text_of_it():
    token = seal(BATCH, keys=[NEW])

    assert not any(text in token for text in ("13807221732", "Call", "track"))


def test_a_batch_sealed_before_a_rotation_opens_with_the_old_key_kept():
    token = seal(BATCH, keys=[OLD])

    assert unseal(token, keys=[NEW, OLD]) == BATCH


def test_after_a_rotation_the_new_key_seals():
    token = seal(BATCH, keys=[NEW, OLD])

    assert unseal(token, keys=[NEW]) == BATCH
    with pytest.raises(UnreadableLetter):
        unseal(token, keys=[OLD])


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(seal(BATCH, keys=[OLD]), id="its-key-removed"),
        pytest.param(seal(BATCH, keys=[NEW])[:-4] + "AAAA", id="altered"),
        pytest.param("not a token", id="garbage"),
        pytest.param("令牌", id="not-ascii"),
    ],
)
def test_a_letter_no_key_opens_is_refused_with_a_named_error(token):
    with pytest.raises(UnreadableLetter, match="No configured key opens"):
        unseal(token, keys=[NEW])
