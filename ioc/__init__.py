"""IOC Target Tracker core: targets, units, observations, scoring and storage (no Streamlit here)."""

__version__ = "0.1.0"
