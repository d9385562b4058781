"""Interactive explorers: thin ipywidgets shells over crmkit.analytics and crmkit.plots."""
