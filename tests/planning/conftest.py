"""Fixtures of the planning tests."""

from __future__ import annotations

import argparse

import pytest

from crmkit.planning.cli import register


@pytest.fixture(scope="session")
def jvm():
    """Start the JVM with MPXJ's jars once: JPype cannot restart a JVM in one process."""
    jpype = pytest.importorskip("jpype")
    pytest.importorskip("mpxj")  # importing mpxj puts its jars on the class path
    if not jpype.isJVMStarted():
        jpype.startJVM()
    return jpype


@pytest.fixture
def parser():
    """The `crmkit plan` command line, as crmkit.cli builds it."""
    parser = argparse.ArgumentParser(prog="crmkit")
    register(parser.add_subparsers(dest="command"))
    return parser
