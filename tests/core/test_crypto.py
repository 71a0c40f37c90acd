"""SM4 field encryption and the keyed SM3 search digest."""

from __future__ import annotations

import pytest

from xuncha.core import crypto


@pytest.fixture
def ring():
    r = crypto.new_key_ring()
    crypto.reset_key_ring(r)
    yield r
    crypto.reset_key_ring(None)


def test_round_trip_and_ciphertext_is_not_plaintext(ring):
    token = crypto.encrypt("张三,身份证 110101199001011234", context="leads.person.name")
    assert "张三" not in token and "1101" not in token
    assert crypto.decrypt(token, context="leads.person.name") == "张三,身份证 110101199001011234"


def test_same_plaintext_encrypts_differently_each_time(ring):
    a = crypto.encrypt("李四", context="c")
    assert a != crypto.encrypt("李四", context="c")


def test_value_moved_to_another_field_does_not_decrypt(ring):
    token = crypto.encrypt("李四", context="leads.person.name")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="leads.lead.facts")


def test_wrong_key_fails_loudly(ring):
    token = crypto.encrypt("王五", context="c")
    other = crypto.new_key_ring()
    with pytest.raises(crypto.DecryptionError, match="wrong key"):
        crypto.decrypt(token, context="c", ring=other)


def test_tampered_value_fails(ring):
    token = crypto.encrypt("王五", context="c")
    head, body = token.rsplit(":", 1)
    tampered = head + ":" + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, context="c")


def test_rotation_keeps_old_values_readable_until_reencrypted(ring):
    old = crypto.encrypt("赵六", context="c")
    rotated = ring.with_new_key()
    new = crypto.encrypt("赵六", context="c", ring=rotated)
    assert crypto.key_id_of(old) == 1 and crypto.key_id_of(new) == 2
    assert crypto.decrypt(old, context="c", ring=rotated) == "赵六"
    with pytest.raises(crypto.DecryptionError, match="not configured"):
        crypto.decrypt(old, context="c", ring=rotated.only_current())


def test_blind_index_matches_normalised_names_only_with_the_key(ring):
    a = crypto.blind_index("张 三", context="name")
    assert a == crypto.blind_index("张三", context="name")
    assert a == crypto.blind_index("张三", context="name")
    assert a != crypto.blind_index("张四", context="name")
    assert a != crypto.blind_index("张三", context="name", ring=crypto.new_key_ring())
    assert "张" not in a


def test_key_ring_file_round_trip(tmp_path):
    r = crypto.new_key_ring()
    path = crypto.write_key_file(r, tmp_path / "keys.json")
    assert crypto.KeyRing.from_json(path.read_text()) == r
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("text", ["", "{}", '{"current": 1, "keys": {"1": "00"}, "index_key": "00"}'])
def test_malformed_key_ring_is_refused(text):
    with pytest.raises(crypto.KeyMaterialError):
        crypto.KeyRing.from_json(text)
