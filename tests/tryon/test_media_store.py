"""The media store: signed links that expire or break when altered, and files deleted on time."""
from __future__ import annotations

import asyncio
import logging
import time

import pytest

from knowledge.media import MediaLinkExpired, MediaLinkInvalid, MediaStore, UrlSigner, cleanup_task
from tests.tryon.conftest import Clock
from tests.tryon.kit import person_photo

SECRET = b"test-secret-0123456789abcdef"


def test_a_saved_photo_is_reachable_through_its_signed_link(media):
    media_id = media.save(b"\xff\xd8\xffjpeg", "image/jpeg")
    url = media.url(media_id)
    assert url.startswith("/media/u/") and media_id in url
    path, content_type = media.resolve(url.removeprefix("/media/u/"))
    assert path.read_bytes() == b"\xff\xd8\xffjpeg" and content_type == "image/jpeg"


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),                     # signature changed
    lambda t: t.replace(t.split(".")[1], str(int(t.split(".")[1]) + 999)),  # expiry pushed back
    lambda t: "other" + t[5:],                                              # another file's id
    lambda t: t.split(".")[0],                                              # no signature at all
    lambda t: "../../etc/passwd",
    lambda t: t[:-2] + "é",                                                 # a non-ASCII signature
    lambda t: t.replace(t.split(".")[1], "²" * 3),                          # digits that are not 0-9
])
def test_an_altered_link_is_refused(media, tamper):
    token = media.token(media.save(b"\x89PNG\r\n\x1a\n", "image/png"))
    with pytest.raises(MediaLinkInvalid) as refused:
        media.resolve(tamper(token))
    assert not isinstance(refused.value, MediaLinkExpired)


def test_a_link_from_another_secret_is_refused(tmp_path):
    ours = MediaStore(tmp_path, UrlSigner(SECRET))
    theirs = MediaStore(tmp_path, UrlSigner(b"another-secret-0123456789"))
    token = theirs.token(theirs.save(b"\xff\xd8\xff", "image/jpeg"))
    with pytest.raises(MediaLinkInvalid):
        ours.resolve(token)


def test_links_and_files_expire_and_the_sweep_deletes_them(tmp_path):
    clock = Clock(time.time())
    media = MediaStore(tmp_path, UrlSigner(SECRET, clock=clock), ttl_s=600, clock=clock)
    media_id = media.save(person_photo(), "image/jpeg")
    short = media.token(media_id, ttl_s=60)
    whole = media.token(media_id)
    clock.now += 120
    with pytest.raises(MediaLinkExpired):
        media.resolve(short)
    assert media.resolve(whole)[0].exists()
    assert media.sweep() == 0
    clock.now += 600
    assert not media.exists(media_id)
    with pytest.raises(MediaLinkExpired):
        media.resolve(whole)
    assert media.sweep() == 1
    assert list(tmp_path.iterdir()) == []


def test_a_link_never_outlives_its_file(tmp_path):
    clock = Clock(time.time())
    media = MediaStore(tmp_path, UrlSigner(SECRET, clock=clock), ttl_s=300, clock=clock)
    token = media.token(media.save(b"\xff\xd8\xff", "image/jpeg"), ttl_s=86_400)
    assert int(token.split(".")[1]) <= clock.now + 301


async def test_the_background_cleanup_deletes_expired_files(tmp_path):
    media = MediaStore(tmp_path, UrlSigner(SECRET), ttl_s=0.3)
    media_id = media.save(person_photo(), "image/jpeg")
    async with cleanup_task(media, interval_s=0.05) as task:
        for _ in range(60):
            if not any(tmp_path.iterdir()):
                break
            await asyncio.sleep(0.05)
        assert not any(tmp_path.iterdir()) and not media.exists(media_id)
    assert task.cancelled()


def test_without_a_configured_secret_a_random_one_is_used_and_logged(caplog):
    with caplog.at_level(logging.WARNING):
        first = UrlSigner.from_env("AISLE_TEST_MEDIA_SECRET", environ={})
        second = UrlSigner.from_env("AISLE_TEST_MEDIA_SECRET", environ={})
    assert "AISLE_TEST_MEDIA_SECRET is not set" in caplog.text
    token = first.sign("abc", time.time() + 60)
    with pytest.raises(MediaLinkInvalid):
        second.verify(token)
    configured = UrlSigner.from_env("S", environ={"S": "a-long-enough-shop-secret"})
    assert UrlSigner(b"a-long-enough-shop-secret").verify(configured.sign("abc", time.time() + 60)) == "abc"


def test_only_images_can_be_kept(media):
    with pytest.raises(ValueError, match="cannot keep 'image/svg\\+xml'"):
        media.save(b"<svg/>", "image/svg+xml")
    assert media.path("../../etc/passwd") is None
