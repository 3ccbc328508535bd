"""Publications: schema.org CreativeWorks with Dublin Core alongside."""

from __future__ import annotations

from ..model import Publication
from ..namespaces import DCTERMS, SCHEMA
from .emit import Emitter


def map_publication(publication: Publication, out: Emitter) -> None:
    iri = out.iris.of(publication)
    out.kind_type(iri, "publication-kind", publication.kind, SCHEMA.CreativeWork)
    out.concept(iri, DCTERMS.type, "publication-kind", publication.kind)
    out.text(iri, (SCHEMA.name, DCTERMS.title), publication.title)
    out.text(iri, (SCHEMA.description,), publication.description)
    out.languages(iri, publication.languages)
    if publication.translation_of:
        original = out.ref(publication.translation_of)
        out.add(iri, SCHEMA.translationOfWork, original)
        out.add(original, SCHEMA.workTranslation, iri)
    out.refs(iri, (SCHEMA.publisher, DCTERMS.publisher), filter(None, [publication.publisher]))
    out.refs(iri, (SCHEMA.author, DCTERMS.creator), publication.authors)
    out.refs(iri, (SCHEMA.editor,), publication.editors)
    out.date(iri, SCHEMA.datePublished, publication.date)
    out.date(iri, DCTERMS.issued, publication.date)
    out.url(iri, SCHEMA.url, publication.url)
    if publication.file_url:
        media = out.iris.part(iri, "file")
        out.types(media, SCHEMA.MediaObject)
        out.add(iri, SCHEMA.encoding, media)
        out.url(media, SCHEMA.contentUrl, publication.file_url)
        out.plain(media, SCHEMA.encodingFormat, publication.media_type)
    out.refs(iri, (SCHEMA.about,), publication.about)
    out.topics(iri, publication.topics)
