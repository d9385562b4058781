"""YAML read through libyaml's C parser where PyYAML was built with it.

The C loader builds the same objects as ``yaml.safe_load`` (the same resolver and
constructors: only the scanning moves to C) several times faster; a world's config, its
data dictionary and its vocabularies are read whenever a process starts a world. PyYAML
built without libyaml falls back to the pure-Python loader, with the same results.

Writing stays with ``yaml.safe_dump``: the C emitter folds long quoted strings at other
places, and a saved world's ``world.yaml`` (and the ``world_id`` hashed from it) must be
the same bytes on every machine, with or without libyaml.

>>> safe_load("b: [1, 2]\\na: x\\n")
{'b': [1, 2], 'a': 'x'}
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """Parse ``text`` as ``yaml.safe_load`` does (raising the same :class:`yaml.YAMLError`)."""
    return yaml.load(text, Loader=_LOADER)
