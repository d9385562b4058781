"""Saving and loading worlds as CSV, Parquet, SQLite or DuckDB; never half-written.

Every save writes to a temporary name beside the target and renames it into place at the
end, so an interrupted save leaves the old world (or nothing), never a broken one. Every
load restores the dictionary's types and refuses a table that does not match it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import yaml

from crmkit.world import duckdb_store as duck
from crmkit.world import sqlite as sql
from crmkit.world.config import WorldConfig
from crmkit.world.codes import lists_of
from crmkit.world.dictionary import Table, observed_tables, truth_tables
from crmkit.world.integrity import check_keys, files_digest
from crmkit.world.layout import (CONFIG_FILE, DATABASES, FORMATS, MANIFEST, TRUTH_FOLDER, check_format,
                                 check_replaceable, database_paths, is_world_database, is_world_duckdb, make_private,
                                 sweep_leftovers, temporary_name)
from crmkit.world.sqlite import TIME_FORMATS
from crmkit.world.world_version import WORLD_VERSION

__all__ = ["FORMATS", "MANIFEST", "CONFIG_FILE", "WorldWriter", "save_world", "write_parquet_parts",
           "config_yaml", "check_format"]


def config_yaml(config: WorldConfig, include_seed: bool = True) -> str:
    """The config as YAML; without its seed for a hand-out (the seed would rebuild the truth)."""
    data = config.model_dump(mode="json")
    if not include_seed:
        data.pop("seed", None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def to_csv_frame(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Format times for CSV: dates as YYYY-MM-DD, timestamps to the second."""
    out = df.copy()
    for column in table.columns:
        if column.type in TIME_FORMATS:
            out[column.name] = df[column.name].dt.strftime(TIME_FORMATS[column.type])
    return out


class WorldWriter:
    """Writes a world table by table and block by block, then moves it into place.

    ``World.save`` writes everything in one go; ``crmkit generate`` streams block after
    block, so a world larger than memory can be written. Both give the same files. The
    target is replaced only if the kit wrote it (or ``overwrite`` is set); what a killed
    save left beside it is swept away first.
    """

    def __init__(self, target, format: str, config: WorldConfig, include_truth: bool = True, overwrite: bool = False):
        self.format, self.config, self.include_truth = check_format(format), config, include_truth
        self.rows: dict[str, int] = {}
        self.truth_rows: dict[str, int] = {}
        self.parts = 0
        self.shared: dict[str, pd.DataFrame] = {}  # the global tables written so far, which blocks refer to
        target = Path(target)
        if self.format in DATABASES:
            self.final, self.final_truth = database_paths(target, self.format)
        else:
            self.final = target
        check_replaceable(self.final, self.format, overwrite)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(self.final)
        self.tmp = temporary_name(self.final)
        if self.format == "sqlite":
            self.tmp_truth = temporary_name(self.final_truth)
            lists = lists_of(config)  # the world's own codes in its category checks
            self.db = sql.create_database(self.tmp, observed_tables(), with_foreign_keys=True, lists=lists)
            self.truth_db = sql.create_database(self.tmp_truth, truth_tables(), with_foreign_keys=False, lists=lists) if include_truth else None
        elif self.format == "duckdb":
            self.tmp_truth = temporary_name(self.final_truth)
            self.db = duck.create_database(self.tmp, observed_tables())
            self.truth_db = duck.create_database(self.tmp_truth, truth_tables()) if include_truth else None
        else:
            self.tmp.mkdir()

    def write(self, tables: dict[str, pd.DataFrame], truth: dict[str, pd.DataFrame] | None = None) -> None:
        """Append one block (or the whole world) of observed and truth tables, once their keys hold."""
        check_keys(tables, truth or {}, f"{self.final} (part {self.parts})", shared=self.shared)
        self.shared |= {name: df for name, df in tables.items() if observed_tables()[name].scope == "global"}
        self._write(tables, observed_tables(), self.rows, truth=False)
        if self.include_truth and truth:
            self._write(truth, truth_tables(), self.truth_rows, truth=True)
        self.parts += 1

    def count(self, rows: dict[str, int], truth_rows: dict[str, int]) -> None:
        """Record rows that a worker wrote straight into the folder (see :func:`write_parquet_parts`);
        the worker checked their keys first (:func:`crmkit.world.integrity.check_keys`)."""
        for counts, new in ((self.rows, rows), (self.truth_rows, truth_rows)):
            for name, n in new.items():
                counts[name] = counts.get(name, 0) + n

    def _write(self, frames, specs, counts, truth: bool) -> None:
        for name in sql.insertion_order(specs):  # referenced tables first, for the database's keys
            if name not in frames:
                continue
            df, spec = frames[name], specs[name]
            counts[name] = counts.get(name, 0) + len(df)
            if self.format in DATABASES:
                (sql if self.format == "sqlite" else duck).insert(self.truth_db if truth else self.db, spec, df)
                continue
            folder = self.tmp / TRUTH_FOLDER if truth else self.tmp
            folder.mkdir(exist_ok=True)
            if self.format == "csv":
                file = folder / f"{name}.csv"
                with open(file, "a", encoding="utf-8", newline="") as out:
                    to_csv_frame(df, spec).to_csv(out, index=False, header=not file.stat().st_size, lineterminator="\n")
            else:
                write_parquet_parts(folder, {name: df}, self.parts)

    def manifest(self, config_text: str | None = None) -> dict:
        """What a saved world is: deterministic (no dates), so identical worlds give identical files.

        A hand-out (no truth) carries no seed, since the seed would rebuild the truth; a
        world with its truth carries a ``world_id`` that its truth database must share.
        ``config_text``: the config's YAML with its seed, if the caller has it already.
        """
        rows = {name: self.rows[name] for name in observed_tables() if name in self.rows}
        manifest = {"synthetic": True, "case": self.config.name, "customers": self.config.customers}
        if self.include_truth:
            manifest["seed"] = self.config.seed
            config_text = config_text or config_yaml(self.config)
            manifest["world_id"] = hashlib.sha256((config_text + json.dumps(rows)).encode()).hexdigest()[:32]  # fixed: 128 bits name a world
        manifest |= {
            "crmkit_version": version("crmkit"), "faker_version": version("faker"), "world_version": WORLD_VERSION,
            # In dictionary order, however the rows arrived (streamed, or all at once).
            "rows": rows,
            "truth_rows": {name: self.truth_rows[name] for name in truth_tables() if name in self.truth_rows},
        }
        if self.format not in DATABASES:
            manifest["checksums"], manifest["truth_checksums"] = _checksums(
                {self.tmp: rows, self.tmp / TRUTH_FOLDER: manifest["truth_rows"]}, self.format)
            # Every block's keys were checked before it was written: files that still match
            # these checksums need no second look-up of their foreign keys on loading.
            manifest["keys_checked"] = True
        return manifest

    def finish(self) -> Path:
        """Write the config and manifest, then move the finished world into place."""
        config_text = config_yaml(self.config, include_seed=self.include_truth)
        if self.format in DATABASES:
            return self._finish_database(config_text)
        (self.tmp / CONFIG_FILE).write_text(config_text, encoding="utf-8")
        manifest = self.manifest(config_text if self.include_truth else None)
        (self.tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if self.include_truth:  # the truth, and the seed that would rebuild it, for the owner's eyes only
            make_private(self.tmp)
        _replace(self.tmp, self.final)
        return self.final

    def _finish_database(self, config_text: str) -> Path:
        manifest = json.dumps(self.manifest(config_text if self.include_truth else None))
        for con, where in ((self.db, self.final), (self.truth_db, self.final_truth)):
            if con is None:
                continue
            if self.format == "sqlite":
                sql.check_foreign_keys(con, str(where))
                sql.write_meta(con, config_text, manifest)
            else:  # every block's keys were checked before it was written (and are again on loading)
                duck.write_meta(con, config_text, manifest)
            con.close()
        # The truth first: a kill between the two renames leaves a truth whose world_id no
        # longer matches the old world, which loading refuses, never a silent mismatch.
        if self.include_truth:
            make_private(self.tmp_truth)
            make_private(self.tmp)
            os.replace(self.tmp_truth, self.final_truth)
        elif self.final_truth.exists() and (is_world_database if self.format == "sqlite" else is_world_duckdb)(self.final_truth):
            self.final_truth.unlink()  # a stale truth of the world this one replaces
        os.replace(self.tmp, self.final)
        return self.final

    def abort(self) -> None:
        """Remove everything written so far; the target is left as it was."""
        if self.format in DATABASES:
            for con in (self.db, self.truth_db):
                if con is not None:
                    con.close()
            for file in (self.tmp, self.tmp_truth):
                file.unlink(missing_ok=True)
                file.with_name(file.name + ".wal").unlink(missing_ok=True)  # DuckDB's log, if any
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def _checksums(tables: dict[Path, dict[str, int]], format: str) -> list[dict[str, str]]:
    """The checksum of each table's files (a CSV file, or a folder of Parquet parts), for
    each folder of ``tables`` (a folder and the row counts of the tables it holds).

    Tables are hashed on threads: hashlib and file reads release the GIL, and a 1M-customer
    world holds about 1.4 GB to hash while the workers that wrote it stand idle.
    """
    def files(folder: Path, name: str) -> list[Path]:
        return [folder / f"{name}.csv"] if format == "csv" else sorted((folder / name).iterdir())

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        digests = [{name: pool.submit(files_digest, files(folder, name)) for name in rows}
                   for folder, rows in tables.items()]
        return [{name: future.result() for name, future in found.items()} for found in digests]


def write_parquet_parts(folder: Path, frames: dict[str, pd.DataFrame], part: int) -> dict[str, int]:
    """Write each table as ``folder/<table>/part-<part>.parquet``; return the rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, df in frames.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        # Writing is a third of a world's time, so every choice here is the cheaper one:
        # dictionary encoding only for labels and text (ids, amounts and times gain nothing
        # from it); min/max statistics only for numbers and times (those of strings cost
        # much and filter little); snappy, pandas' default, which makes files about twice
        # the size of zstd's but wrote them a third faster (0.18 against 0.28 s CPU for a
        # block of 10,000 customers, measured here with both).
        labels = [c for c, t in df.dtypes.items() if isinstance(t, pd.CategoricalDtype) or pd.api.types.is_string_dtype(t)]
        numbers = [c for c in df.columns if c not in labels]
        # Column by column rather than Table.from_pandas: no pandas metadata to build (the
        # data dictionary restores every type on loading) and no thread pool per table.
        table = pa.table({column: pa.array(values, from_pandas=True) for column, values in df.items()})
        pq.write_table(table, folder / name / f"part-{part:05d}.parquet", compression="snappy",
                       use_dictionary=labels, write_statistics=numbers)
    return {name: len(df) for name, df in frames.items()}


def _replace(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target``, replacing what was there only once ``tmp`` is complete."""
    if target.is_dir() and not target.is_symlink():
        old = temporary_name(target, "old")
        target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old)
    else:
        os.replace(tmp, target)


def save_world(world, path, format: str = "csv", include_truth: bool = True, overwrite: bool = False) -> Path:
    """Write ``world`` to ``path`` (see :meth:`crmkit.World.save`)."""
    writer = WorldWriter(path, format, world.config, include_truth and len(world.truth) > 0, overwrite=overwrite)
    try:
        writer.write(world.tables, dict(world.truth))
        return writer.finish()
    except BaseException:
        writer.abort()
        raise
