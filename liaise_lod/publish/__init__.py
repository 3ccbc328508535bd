"""Publish a dataset as a static Linked Data site: HTML pages with schema.org JSON-LD, data files
per resource, dumps, DCAT-AP/VoID description, sitemap, and content negotiation."""

from .site import PublishResult, Settings, publish

__all__ = ["PublishResult", "Settings", "publish"]
