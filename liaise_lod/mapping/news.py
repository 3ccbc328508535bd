"""News articles: ``schema:NewsArticle``."""

from __future__ import annotations

from ..model import NewsArticle
from ..namespaces import SCHEMA
from .emit import Emitter


def map_news(article: NewsArticle, out: Emitter) -> None:
    iri = out.iris.of(article)
    out.types(iri, SCHEMA.NewsArticle)
    out.text(iri, (SCHEMA.headline,), article.headline)
    out.text(iri, (SCHEMA.description,), article.summary)
    out.date(iri, SCHEMA.datePublished, article.date)
    for category in article.categories:
        out.plain(iri, SCHEMA.articleSection, category)
    out.refs(iri, (SCHEMA.about,), article.about)
    out.refs(iri, (SCHEMA.publisher,), filter(None, [article.publisher]))
    out.url(iri, SCHEMA.url, article.url)
    out.topics(iri, article.topics)
