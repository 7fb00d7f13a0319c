"""The pieces `training/llm.py` is built from: the device and precision, the model with its LoRA,
QLoRA or full trainable weights, checkpoints that resume, and the loss-curve plot.

On a GPU, training runs in bfloat16 autocast (where the GPU supports it) with gradient checkpointing;
LoRA keeps the frozen base weights in bf16 and the adapter in float32; QLoRA (LoRA over a 4-bit NF4
base with double quantisation) is used where bitsandbytes is installed. On a CPU everything is
float32, without checkpointing, and QLoRA is never chosen.
"""
from __future__ import annotations

import json
import logging
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.errors import ConfigError

log = logging.getLogger(__name__)

CHECKPOINTS = "checkpoints"
STATE_FILE = "state.json"  # written last: a checkpoint folder without it is incomplete


@dataclass(frozen=True)
class Runtime:
    """Where and how the model trains, decided once from the config and the machine."""

    device: str
    autocast: Any  # torch dtype for autocast, or None
    load_dtype: Any
    gradient_checkpointing: bool
    quantize_4bit: bool
    method: str  # lora | qlora | full

    def describe(self) -> str:
        precision = "bf16 autocast" if self.autocast is not None else str(self.load_dtype).replace("torch.", "")
        checkpointing = ", gradient checkpointing" if self.gradient_checkpointing else ""
        return f"{self.method} on {self.device} ({precision}{checkpointing})"


def bitsandbytes_available() -> bool:
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        return False
    return True


def plan_runtime(config: Any) -> Runtime:
    import torch

    device = config.device if config.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    on_gpu = device.startswith("cuda")
    if config.device == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device = 'cuda' is not valid here: no CUDA device is available; use auto or cpu")
    bf16 = on_gpu and torch.cuda.is_bf16_supported() and config.precision in ("auto", "bf16")
    if config.precision == "bf16" and not bf16:
        raise ConfigError("precision = 'bf16' is not valid here: it needs a CUDA GPU that supports bfloat16")
    quantize = (config.method == "lora" and on_gpu and config.quantize != "none"
                and (config.quantize == "4bit" or bitsandbytes_available()))
    if config.quantize == "4bit" and not (on_gpu and bitsandbytes_available()):
        raise ConfigError("quantize = '4bit' is not valid here: QLoRA needs a CUDA GPU and bitsandbytes")
    checkpointing = {"auto": on_gpu, "on": True, "off": False}[config.gradient_checkpointing]
    load_dtype = torch.bfloat16 if bf16 and config.method == "lora" else torch.float32
    return Runtime(device, torch.bfloat16 if bf16 else None, load_dtype, checkpointing, quantize,
                   "qlora" if quantize else config.method)


def load_model(config: Any, runtime: Runtime) -> tuple[Any, Any]:
    """(model with only its trainable weights requiring grad, tokenizer)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(config.base)
        options: dict[str, Any] = {"dtype": runtime.load_dtype}
        if runtime.quantize_4bit:
            options["quantization_config"] = _four_bit()
            options["device_map"] = {"": runtime.device}
        model = AutoModelForCausalLM.from_pretrained(config.base, **options)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"base = {config.base!r} cannot be loaded: {exc}") from exc
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not runtime.quantize_4bit:
        model.to(runtime.device)
    if runtime.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.config.use_cache = False
    if config.method == "lora":
        model = _with_lora(model, config, runtime)
    return model, tokenizer


def _four_bit() -> Any:
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                              bnb_4bit_compute_dtype=torch.bfloat16)


def _with_lora(model: Any, config: Any, runtime: Runtime) -> Any:
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if runtime.quantize_4bit:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=runtime.gradient_checkpointing)
    targets = list(config.lora_targets)
    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=targets[0] if targets == ["all-linear"] else targets, task_type="CAUSAL_LM")
    try:
        return get_peft_model(model, lora)
    except ValueError as exc:
        raise ConfigError(f"lora targets = {','.join(targets)!r} is not valid for this model: {exc}") from exc


def trainable_parameters(model: Any) -> dict[str, Any]:
    return {name: p for name, p in model.named_parameters() if p.requires_grad}


# checkpoints -----------------------------------------------------------------------------------
def save_checkpoint(out: Path, step: int, model: Any, optimizer: Any, scheduler: Any, state: dict, keep: int) -> Path:
    """out/checkpoints/step-NNNNNN: trainable weights, optimizer, schedule, RNG and state.json (last)."""
    import torch
    from safetensors.torch import save_file

    folder = out / CHECKPOINTS / f"step-{step:06d}"
    folder.mkdir(parents=True, exist_ok=True)
    weights = {name: p.detach().to("cpu").contiguous() for name, p in trainable_parameters(model).items()}
    save_file(weights, str(folder / "trainable.safetensors"))
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                "rng": _rng_state()}, folder / "optimizer.pt")
    (folder / STATE_FILE).write_text(json.dumps({**state, "step": step}, indent=2), encoding="utf-8")
    for old in complete_checkpoints(out)[:-keep] if keep > 0 else []:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def complete_checkpoints(out: Path) -> list[Path]:
    root = out / CHECKPOINTS
    return sorted(p for p in root.glob("step-*") if (p / STATE_FILE).exists()) if root.exists() else []


def load_checkpoint(folder: Path, model: Any, optimizer: Any, scheduler: Any) -> dict:
    """Restore everything saved in `folder`; returns its state (step, config, metrics, losses)."""
    import torch
    from safetensors.torch import load_file

    weights = load_file(str(folder / "trainable.safetensors"))
    trainable = trainable_parameters(model)
    if set(weights) != set(trainable):
        raise ConfigError(f"{folder} was saved from a different model or method: its weights do not match; "
                          "train into a new --out folder or pass --fresh")
    with torch.no_grad():
        for name, value in weights.items():
            trainable[name].copy_(value.to(trainable[name].device, trainable[name].dtype))
    saved = torch.load(folder / "optimizer.pt", map_location="cpu", weights_only=False)
    optimizer.load_state_dict(saved["optimizer"])
    scheduler.load_state_dict(saved["scheduler"])
    _set_rng_state(saved["rng"])
    return json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))


def _rng_state() -> dict:
    import numpy as np
    import torch

    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict) -> None:
    import numpy as np
    import torch

    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def loss_png(losses: list[float], validation: list[tuple[int, float]], path: Path,
             ylabel: str = "cross-entropy per assistant token") -> Path:
    """Training loss per step (and its running mean), validation loss where it was measured."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    steps = range(1, len(losses) + 1)
    ax.plot(steps, losses, color="#9ecae1", linewidth=1, label="training loss")
    window = max(1, len(losses) // 20)
    smooth = [sum(losses[max(0, i - window + 1):i + 1]) / len(losses[max(0, i - window + 1):i + 1])
              for i in range(len(losses))]
    ax.plot(steps, smooth, color="#08519c", linewidth=2, label=f"running mean ({window} steps)")
    if validation:
        ax.plot(*zip(*validation), "o-", color="#d94801", label="validation loss")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel(ylabel)
    ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
