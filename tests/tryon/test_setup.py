"""Configuration of try-on and media: validated with clear errors, opened and closed with the app."""
from __future__ import annotations

import pytest

from agent.config import load_config
from agent.errors import ConfigError
from agent.tryon_setup import open_tryon
from skills.tryon.gradio_api import GradioBackend
from skills.tryon.preview import PreviewBackend
from skills.tryon.task_api import TaskApiBackend


def write(tmp_path, text):
    path = tmp_path / "aisle.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, message", [
    ("tryon:\n  backend: gradio\n", "tryon.base_url is empty: backend 'gradio' needs the service's address"),
    ("tryon:\n  backend: magic\n", "tryon.backend = 'magic' is not valid: expected one of preview, http, task, gradio"),
    ("tryon:\n  backend: task\n  base_url: http://x\n  callbacks: true\n", "needs tryon.public_base_url"),
    ("tryon:\n  gradio_preset: vton-9000\n", "expected one of idm-vton, catvton, ootdiffusion"),
    ("media:\n  max_bytes: 1\n", "media.max_bytes = 1 is not valid"),
])
def test_bad_try_on_settings_stop_the_start_with_a_clear_message(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text), environ={})
    assert message in str(error.value)


async def test_the_default_is_the_labelled_preview_with_a_running_cleanup(tmp_path):
    config = load_config(write(tmp_path, f"data_dir: {tmp_path / 'var'}\n"), environ={})
    async with open_tryon(config) as kit:
        assert isinstance(kit.backend.backend, PreviewBackend)
        assert kit.media.root == tmp_path / "var" / "media" and kit.media.root.is_dir()
        assert kit.media.max_upload_bytes == 10 * 1024 * 1024 and kit.media.ttl_s == 3600
        assert kit.inbox is None and not kit.settings.remote
        session = kit.session
    assert session.closed


async def test_a_gradio_server_is_configured_from_the_preset_and_the_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("AISLE_TRYON_TOKEN", "hf-secret")
    config = load_config(write(tmp_path, f"""
data_dir: {tmp_path / 'var'}
tryon:
  backend: gradio
  base_url: http://gpu-box:7860/
  gradio_preset: catvton
  gradio_api_name: tryon_v2
  api_key_env: AISLE_TRYON_TOKEN
  timeout_s: 90
"""), environ={})
    async with open_tryon(config) as kit:
        backend = kit.backend.backend
        assert isinstance(backend, GradioBackend) and backend.api == "http://gpu-box:7860/gradio_api"
        assert backend.preset.api_name == "tryon_v2" and backend.preset.categories["dress"] == "overall"
        assert backend.headers == {"Authorization": "Bearer hf-secret"}
        assert kit.backend.policy.timeout_s == 90 and kit.settings.remote


async def test_task_callbacks_get_an_inbox_on_the_public_address(tmp_path):
    config = load_config(write(tmp_path, f"""
data_dir: {tmp_path / 'var'}
tryon:
  backend: task
  base_url: https://api.tryon.example/v1
  callbacks: true
  public_base_url: https://shop.example
"""), environ={})
    async with open_tryon(config) as kit:
        assert isinstance(kit.backend.backend, TaskApiBackend) and kit.backend.backend.inbox is kit.inbox
        assert kit.inbox.callback_url("k1").startswith("https://shop.example/tryon/callback/")
