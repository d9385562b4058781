"""Data files of crmkit.frameworks (YAML)."""
