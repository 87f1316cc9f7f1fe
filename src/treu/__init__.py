"""treu: privacy as code under the GDPR (DSGVO) and German law.

One policy file describes what an organisation does with personal data; treu
turns it into the privacy notice, the Art. 30 record and, in later parts, the
machinery that keeps the notice's promises.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
