"""Virtual try-on: the skill, its backends (preview, JSON HTTP, task API, Gradio) and their guard."""
from skills.tryon.backend import TryOnBackend, TryOnFailed, TryOnImage, TryOnRequest
from skills.tryon.resilience import Guarded, Policy
from skills.tryon.skill import TryOnInput, TryOnSettings, TryOnSkill

__all__ = ["Guarded", "Policy", "TryOnBackend", "TryOnFailed", "TryOnImage", "TryOnInput", "TryOnRequest",
           "TryOnSettings", "TryOnSkill"]
