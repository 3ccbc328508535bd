#!/usr/bin/env node
'use strict';
/**
 * Convert a JSON-LD document to N-Quads with the reference processor (jsonld.js), offline.
 *
 * Usage: node jsonld-to-nquads.js DOC.jsonld CONTEXTMAP.json
 *
 * CONTEXTMAP is a JSON object mapping context URLs to local file paths (relative paths are
 * resolved against the map file's folder). The document loader serves only those files and
 * throws for any other URL, so the network is never used. `safe: true` turns every dropped
 * term or value (an undefined term, a relative IRI, ...) into an error.
 *
 * Prints N-Quads on stdout; on any failure prints the error chain on stderr and exits 1.
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
  return async (url) => {
    if (!Object.prototype.hasOwnProperty.call(map, url)) {
      throw new Error(`refusing to load ${url}: not in the context map ${mapFile}`);
    }
    const file = path.resolve(base, map[url]);
    return { contextUrl: null, documentUrl: url, document: readJson(file) };
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
    throw new Error('usage: node jsonld-to-nquads.js DOC.jsonld CONTEXTMAP.json');
  }
  const [docFile, mapFile] = argv;
  const nquads = await jsonld.toRDF(readJson(docFile), {
    format: 'application/n-quads',
    safe: true,
    documentLoader: makeLoader(mapFile),
  });
  process.stdout.write(nquads);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${describe(error)}\n`);
  process.exitCode = 1;
});
