"""The version of the generative model: which tables a given case, size and seed make.

A saved world records the ``world_version`` of the kit that made it (in ``manifest.json``
or the ``_crmkit`` manifest row). Any change to the kit that moves a row or a value of any
table (a new column, another distribution, a number in a case's ``world.yaml``) bumps
:data:`WORLD_VERSION`; ``tests/world/test_world_version.py`` pins a small world of every
case together with the version, so such a change fails until the version is bumped.

Loading a world of another version warns (:class:`WorldVersionWarning`) and goes on: its
files are still checked against their own manifest, so they are what was saved, only not
what this kit would simulate now. When the dictionary changed so much that the files no
longer read, the error says which version made them. ``docs/world_model.md`` describes the
model of the current version.
"""

from __future__ import annotations

import warnings

from crmkit.errors import DataError

__all__ = ["WORLD_VERSION", "WorldVersionWarning", "fingerprint", "version_of", "warn_if_other", "with_version_hint"]

# 1: won deals book orders and invoices (opportunity_id); worlds saved before carry no version (0).
# 2: catalogues as category trees with brands, lasting tastes, missions, complements and substitutes.
# 3: pschse declares staff.people (untrained service agents solve fewer cases at the first contact, close
#    later) and customised offers for a random share (personalisation.customised_offers).
WORLD_VERSION = 3  # fixed: the number of the world model's version (docs/world_model.md), not a behaviour


class WorldVersionWarning(UserWarning):
    """A saved world was made by another version of the generative model than this kit's."""


def version_of(manifest: dict) -> int:
    """The world version a manifest records (0 for worlds saved before versions existed).

    >>> version_of({"world_version": 3}), version_of({})
    (3, 0)
    """
    value = manifest.get("world_version", 0)
    return value if isinstance(value, int) else 0


def _difference(manifest: dict) -> str:
    return (f"it was made by world version {version_of(manifest)} and this kit makes version {WORLD_VERSION}, "
            "so simulate() with the same case and seed no longer gives these tables; make it again "
            "(crmkit generate, or crmkit datasets for the shipped ones) to get the current model")


def warn_if_other(manifest: dict, where: str) -> bool:
    """Warn when the world at ``where`` is of another world version; True when it is."""
    if version_of(manifest) == WORLD_VERSION:
        return False
    warnings.warn(f"{where}: {_difference(manifest)}", WorldVersionWarning, stacklevel=3)  # fixed: points at load_world's caller
    return True


def with_version_hint(error: DataError, manifest: dict) -> DataError:
    """``error`` itself for a world of this version; otherwise the same error saying which
    version made the world (an older dictionary explains a missing or unexpected column)."""
    if version_of(manifest) == WORLD_VERSION:
        return error
    return DataError(f"{error} ({_difference(manifest)})")


def fingerprint(world) -> str:
    """A SHA-256 of every table of ``world`` (observed, then truth, in dictionary order), as CSV.

    Two worlds of the same case, size and seed made by kits of the same world version have
    the same fingerprint on the same platform (numpy's float functions may differ in the last
    bit between platforms, so pinned fingerprints are checked where the kit is developed).
    Tables and columns that only a config section fills (``only_with`` in the dictionary,
    e.g. the sites, or ``staff.people`` for a subsection) are left out of a world whose config lacks that section: they are empty
    there, so a world that does not use a part of the model keeps its fingerprint.
    """
    import functools
    import hashlib

    from crmkit.world.dictionary import observed_tables, truth_tables

    def used(part) -> bool:  # only_with names a config section, or a dotted path to one inside a section
        return part.only_with is None or functools.reduce(
            lambda section, name: getattr(section, name, None), part.only_with.split("."), world.config) is not None

    digest = hashlib.sha256()
    for prefix, frames, specs in (("", world.tables, observed_tables()), ("truth.", dict(world.truth), truth_tables())):
        for name, spec in specs.items():
            if name in frames and used(spec):
                columns = [c for c in frames[name].columns if c not in spec.column_names or used(spec.column(c))]
                digest.update(f"{prefix}{name}\n".encode())
                digest.update(frames[name][columns].to_csv(index=False, lineterminator="\n").encode())
    return digest.hexdigest()
