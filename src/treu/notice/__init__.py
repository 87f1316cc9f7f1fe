"""Privacy notices: rendering from the policy, versions, and the Art. 13/14 text linter."""

from __future__ import annotations
