"""Web server configuration doing the same content negotiation as ``liaise-lod serve``: an
extension-less path is answered with its ``.html``, ``.ttl``, ``.jsonld`` or ``.nt`` file."""

from __future__ import annotations

from urllib.parse import urlsplit

from .negotiate import MEDIA_TYPES


def nginx(base: str) -> bytes:
    """An nginx ``server`` block (to include, with ``root`` set to the site folder)."""
    prefix = urlsplit(base).path or "/"
    maps = "\n".join(
        f"    ~*{media_type.replace('+', '[+]')}  {extension};"
        for extension, media_type in _order()
    )
    text = f"""# Content negotiation for a liaise-lod site. Put the map in the http block and the
# location in your server block; set root to the folder holding this site. nginx matches the
# first media type named in Accept's order below and ignores q-values; `liaise-lod serve`
# honours them.
map $http_accept $liaise_ext {{
    default  .html;
{maps}
    ~*text/html  .html;
}}

# inside server {{ ... }}:
location {prefix} {{
    types {{
        text/html html;
        text/turtle ttl;
        application/ld+json jsonld;
        application/n-triples nt;
        application/xml xml;
        text/css css;
        application/gzip gz;
    }}
    add_header Vary Accept always;
    try_files $uri $uri$liaise_ext $uri.html $uri/index.html =404;
}}
"""
    return text.encode("utf-8")


def _order() -> list[tuple[str, str]]:
    return [(ext, media) for ext, media in MEDIA_TYPES.items() if ext != ".html"]


def htaccess() -> bytes:
    """An Apache ``.htaccess`` (mod_rewrite, mod_headers, mod_mime) for the site folder."""
    rules = []
    for extension, media_type in _order():
        pattern = media_type.replace("+", "\\+")
        rules.append(
            f"RewriteCond %{{HTTP_ACCEPT}} {pattern}\n"
            f"RewriteCond %{{REQUEST_FILENAME}}{extension} -f\n"
            f"RewriteRule ^(.+)$ $1{extension} [L]\n"
        )
    text = (
        "# Content negotiation for a liaise-lod site (needs mod_rewrite, mod_headers, mod_mime).\n"
        "Options -MultiViews -Indexes\n"
        "AddType text/turtle .ttl\n"
        "AddType application/ld+json .jsonld\n"
        "AddType application/n-triples .nt\n"
        "AddCharset utf-8 .html .ttl .jsonld .nt\n"
        "Header merge Vary Accept\n"
        "RewriteEngine On\n"
        "RewriteCond %{REQUEST_FILENAME} -f\n"
        "RewriteRule ^ - [L]\n" + "".join(rules) + "RewriteCond %{REQUEST_FILENAME}.html -f\n"
        "RewriteRule ^(.+)$ $1.html [L]\n"
    )
    return text.encode("utf-8")
