"""Content negotiation: which representation of a resource an ``Accept`` header asks for."""

from __future__ import annotations

from ..formats import all_formats

#: The representations of every resource, by file extension, in order of preference on a tie:
#: its page and every graph format (``formats``).
MEDIA_TYPES: dict[str, str] = {
    fmt.extension: fmt.media_type
    for fmt in all_formats()
    if fmt.extension and fmt.kind in ("page", "graph")
}
#: Every media type a client may ask for a representation by, with its extension: the
#: formats' own first, then the others they answer to (JSON-LD to ``application/json``).
ACCEPTED: list[tuple[str, str]] = [(media, ext) for ext, media in MEDIA_TYPES.items()] + [
    (media, fmt.extension)
    for fmt in all_formats()
    if fmt.extension in MEDIA_TYPES
    for media in fmt.also
]
#: The media type of every kind of file a site holds, by extension.
FILE_TYPES: dict[str, str] = {
    **MEDIA_TYPES,
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".rq": "application/sparql-query",
    ".gz": "application/gzip",
}
#: Those that are text (UTF-8).
TEXT_FILES = frozenset(FILE_TYPES) - {".gz"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs of an Accept header; a missing header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [field.strip() for field in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range matching ``media_type`` (RFC 9110, 12.5.1)."""
    kind = media_type.split("/", 1)[0]
    best: tuple[int, float] | None = None
    for media, q in ranges:
        if media == media_type:
            specificity = 3
        elif media == f"{kind}/*":
            specificity = 2
        elif media == "*/*":
            specificity = 1
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, q)
    return best[1] if best else 0.0


def choose(header: str | None, available: list[str]) -> str | None:
    """The extension (of ``available``) that the Accept header prefers, or None when the header
    accepts none of them."""
    ranges = parse_accept(header)
    scored = [
        (
            max(_quality(media, ranges) for media, of in ACCEPTED if of == ext),
            -list(MEDIA_TYPES).index(ext),
            ext,
        )
        for ext in available
        if ext in MEDIA_TYPES
    ]
    scored = [item for item in scored if item[0] > 0]
    return max(scored)[2] if scored else None
