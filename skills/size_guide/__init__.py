"""The size guide: shoe sizes converted between US, UK, EU and centimetres (an example of a self-declared skill)."""
from skills.size_guide.declaration import SIZE_GUIDE
from skills.size_guide.skill import SizeGuideInput, SizeGuideSkill

__all__ = ["SIZE_GUIDE", "SizeGuideInput", "SizeGuideSkill"]
