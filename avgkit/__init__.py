"""avgkit: AVG (GDPR) role and security assessment for housing corporations and contractors."""

from avgkit.classifier import FACT_KEYS, Classification, classify
from avgkit.knowledge import KnowledgeError, load_knowledge
from avgkit.models import Necessity, Relationship, Role, Text

__version__ = "0.1.0"

__all__ = [
    "FACT_KEYS",
    "Classification",
    "KnowledgeError",
    "Necessity",
    "Relationship",
    "Role",
    "Text",
    "__version__",
    "classify",
    "load_knowledge",
]
