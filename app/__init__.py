"""Maestrale: a native desktop assistant for Mistral's chat models."""

__version__ = "0.1.0"
