"""Web server configuration doing the content negotiation of ``liaise-lod serve``, as far as
the server can: an extension-less path is answered with its ``.html``, ``.ttl``, ``.jsonld`` or
``.nt`` file, and the site root with the index page or the dataset description.

Neither server weighs q-values: the first media type of the list below that Accept names wins,
and an Accept naming none of them gets HTML rather than 406. ``liaise-lod serve`` does both.

Apache's ``.htaccess`` names no path, only what lies below it, so it holds nothing of the base
IRI; nginx's configuration names the base IRI's path, quoted for nginx's syntax."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from ..errors import ConfigError
from .negotiate import ACCEPTED, FILE_TYPES, TEXT_FILES

#: What no folder's name can hold: a site whose base IRI's path holds it cannot be served.
_UNSERVABLE = "\x00"


def nginx(base: str) -> bytes:
    """An nginx ``map`` (for the ``http`` block) and ``location`` blocks (for the ``server``
    block, whose ``root`` must be the folder where the base IRI's path is the site).

    The base IRI's path stands in the configuration once per ``location``, as a quoted string
    (nginx matches locations against the decoded path, and reads no variable there); every
    other path is nginx's own ``$uri``. A path no folder can stand for (``%00``) is refused."""
    prefix = _nginx_string(_served_path(base))
    maps = "\n".join(
        f"    ~*{media_type.replace('+', '[+]')}  {extension};"
        for extension, media_type in _order()
    )
    text = f"""# Content negotiation for a liaise-lod site. Put the map in the http block and the
# locations in your server block, with root the folder in which {prefix} is this site
# (for a base IRI without a path, this site's folder itself).
# The first of these patterns found in Accept wins: q-values are not weighed, and an Accept
# naming none of them gets HTML (`liaise-lod serve` weighs q-values and answers 406).
map $http_accept $liaise_ext {{
    default  .html;
{maps}
    ~*text/html  .html;
}}

# inside server {{ ... }}:
location {prefix} {{
{_nginx_files()}
    try_files $uri $uri$liaise_ext $uri.html =404;
}}
# The dataset's IRI: the index page, or the dataset description as data.
location = {prefix} {{
{_nginx_files()}
    try_files ${{uri}}description$liaise_ext ${{uri}}index.html;
}}
# Files the site keeps for itself (this configuration, the publish marker).
location ~ /\\. {{
    return 404;
}}
"""
    return text.encode("utf-8", "surrogateescape")


def _served_path(base: str) -> str:
    """The base IRI's path as nginx matches it: percent-decoded, runs of ``/`` merged (nginx's
    ``merge_slashes``). Bytes that are not UTF-8 are kept (as surrogate escapes)."""
    path = unquote(urlsplit(base).path or "/", errors="surrogateescape")
    if _UNSERVABLE in path:
        raise ConfigError(
            f"base IRI '{base}': its path holds %00, which no folder's name can: a web server "
            "could not serve the site there; choose another base IRI"
        )
    return re.sub("/{2,}", "/", path)


def _nginx_string(text: str) -> str:
    """``text`` as one quoted nginx configuration parameter."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n") + '"'


def _nginx_files() -> str:
    """Media types, charset and ``Vary`` of the files, for each location that serves them."""
    # A location that sets ``types`` loses nginx's own list: every kind of file is named.
    types = "\n".join(f"        {media} {ext[1:]};" for ext, media in FILE_TYPES.items())
    texts = " ".join(sorted({FILE_TYPES[ext] for ext in TEXT_FILES}))
    return f"""    types {{
{types}
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types {texts};
    add_header Vary Accept always;"""


def _order() -> list[tuple[str, str]]:
    """(extension, media type) to look for in Accept, in order: the data formats' own media
    types, then those they also answer to."""
    return [(ext, media) for media, ext in ACCEPTED if ext != ".html"]


def htaccess() -> bytes:
    """An Apache ``.htaccess`` (mod_rewrite, mod_headers, mod_mime) for the site folder."""
    rules = []
    for extension, media_type in _order():
        pattern = media_type.replace("+", "\\+")
        rules.append(
            f"RewriteCond %{{HTTP_ACCEPT}} {pattern}\n"
            f"RewriteRule ^$ description{extension} [L]\n"
            f"RewriteCond %{{HTTP_ACCEPT}} {pattern}\n"
            f"RewriteCond %{{REQUEST_FILENAME}}{extension} -f\n"
            f"RewriteRule ^(.+)$ $1{extension} [L]\n"
        )
    add_types = "".join(
        f"AddType {media} {ext}\n" for ext, media in FILE_TYPES.items() if ext != ".html"
    )
    text = (
        "# Content negotiation for a liaise-lod site (needs mod_rewrite, mod_headers, mod_mime).\n"
        "# The first media type below that Accept names wins: q-values are not weighed, and an\n"
        "# Accept naming none of them gets HTML (`liaise-lod serve` weighs them and answers 406).\n"
        "Options -MultiViews -Indexes\n"
        "DirectoryIndex index.html\n"
        + add_types
        + f"AddCharset utf-8 {' '.join(sorted(TEXT_FILES))}\n"
        "Header merge Vary Accept\n"
        "RewriteEngine On\n"
        "# Files the site keeps for itself (.webconfig, the publish marker): not served.\n"
        "RewriteRule (^|/)\\. - [R=404,L]\n"
        "RewriteCond %{REQUEST_FILENAME} -f\n"
        "RewriteRule ^ - [L]\n" + "".join(rules) + "RewriteCond %{REQUEST_FILENAME}.html -f\n"
        "RewriteRule ^(.+)$ $1.html [L]\n"
    )
    return text.encode("utf-8")
