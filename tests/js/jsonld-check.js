#!/usr/bin/env node
'use strict';
/**
 * Read many JSON-LD documents with the reference processor (jsonld.js), offline and strictly.
 *
 * Usage: node jsonld-check.js DOCS.json CONTEXTMAP.json
 *
 * DOCS is a JSON object mapping a name (a page, say) to a JSON-LD document. CONTEXTMAP maps
 * context URLs to local files (relative paths are resolved against the map file's folder): the
 * document loader serves only those and throws for any other URL, so the network is never used. Each document is turned into N-Quads with `safe: true`,
 * so a dropped term, value or node (a node with nothing but `@id`, an undefined term, a
 * relative IRI) is an error.
 *
 * Prints a JSON object on stdout: {"rejected": {name: error chain}, "nquads": {name: text}}.
 * Exits 1 only when it cannot run at all.
 */
const fs = require('node:fs');
const path = require('node:path');
const jsonld = require('jsonld');

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function makeLoader(mapFile) {
  const map = readJson(mapFile);
  const base = path.dirname(path.resolve(mapFile));
  const cache = new Map();
  return async (url) => {
    if (!Object.prototype.hasOwnProperty.call(map, url)) {
      throw new Error(`refusing to load ${url}: not in the context map ${mapFile}`);
    }
    if (!cache.has(url)) {
      cache.set(url, readJson(path.resolve(base, map[url])));
    }
    return { contextUrl: null, documentUrl: url, document: cache.get(url) };
  };
}

function describe(error) {
  const lines = [];
  for (let e = error, depth = 0; e && depth < 10; depth++) {
    const details = e.details ? { ...e.details } : {};
    const cause = details.cause;
    delete details.cause;
    const extra = Object.keys(details).length ? ` ${JSON.stringify(details)}` : '';
    lines.push(`${depth ? 'caused by: ' : ''}${e.name || 'Error'}: ${e.message}${extra}`);
    e = cause || e.cause;
  }
  return lines.join('\n');
}

async function main(argv) {
  if (argv.length !== 2) {
    throw new Error('usage: node jsonld-check.js DOCS.json CONTEXTMAP.json');
  }
  const [docsFile, mapFile] = argv;
  const documentLoader = makeLoader(mapFile);
  const result = { rejected: {}, nquads: {} };
  for (const [name, document] of Object.entries(readJson(docsFile))) {
    try {
      result.nquads[name] = await jsonld.toRDF(document, {
        format: 'application/n-quads',
        safe: true,
        documentLoader,
      });
    } catch (error) {
      result.rejected[name] = describe(error);
    }
  }
  process.stdout.write(JSON.stringify(result));
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${describe(error)}\n`);
  process.exitCode = 1;
});
