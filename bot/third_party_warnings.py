"""Warnings that third-party packages raise at their own import, silenced by their module.

Each filter names the package that raises it, the warning's category and its message, and
says what changed upstream. Anything else, the project's own warnings and the deprecations
of the APIs that it calls included, stays visible (and is an error in the tests, where
`pyproject.toml` repeats these filters for pytest).
"""

from __future__ import annotations

import warnings


def silence_known_import_warnings() -> None:
    # cryptography (51.x, late 2026) deprecated DSA keys and warns when any module touches
    # `cryptography.hazmat.primitives.asymmetric.dsa`; pyHanko (and its certificate
    # validator) import DSAPrivateKey at module level to recognise such keys, so importing
    # pyHanko warns although Redovisa never signs or verifies with DSA.
    try:
        from cryptography.utils import CryptographyDeprecationWarning
    except ImportError:  # pragma: no cover - cryptography comes with pyHanko
        return
    warnings.filterwarnings(
        "ignore",
        message="DSA is deprecated",
        category=CryptographyDeprecationWarning,
        module=r"pyhanko(_certvalidator)?(\.|$)",
    )
