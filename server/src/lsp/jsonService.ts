/**
 * VS Code's own JSON language service with the format's schema (schemas/rainbow.schema.json, via
 * the engine's copy): completion, hover texts, symbols, folding, selection ranges and formatting
 * come from it. Its validation is off: diagnostics are the engine's (diagnostics.ts), whose
 * messages and ranges are the CLI's.
 */
import { getLanguageService, type JSONDocument, type JSONSchema, type LanguageService, type TextDocument } from 'vscode-json-languageservice';
import { rainbowSchema } from '../core';

export const SCHEMA_URI = 'rainbow-lab://schemas/rainbow.schema.json';

let service: LanguageService | undefined;

export function jsonService(): LanguageService {
  if (!service) {
    // Specs name the schema with "$schema" (the examples: "../schemas/rainbow.schema.json"), and the
    // service then prefers that reference over the association below. Without a way to load it,
    // it found no schema at all: no completion or hover in any such spec. Any reference to a
    // rainbow.schema.json is this schema; nothing else is fetched.
    service = getLanguageService({
      workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
      schemaRequestService: (uri) =>
        /(^|\/)rainbow\.schema\.json$/.test(uri)
          ? Promise.resolve(JSON.stringify(rainbowSchema))
          : Promise.reject(new Error(`Rainbow Lab does not load schemas from ${uri}`)),
    });
    service.configure({
      validate: false,
      allowComments: false,
      schemas: [{ uri: SCHEMA_URI, fileMatch: ['*'], schema: rainbowSchema as JSONSchema }],
    });
  }
  return service;
}

const parsed = new Map<string, { version: number; json: JSONDocument }>();

/** The service's parse of a document, cached per version. */
export function jsonDocument(doc: TextDocument): JSONDocument {
  const cached = parsed.get(doc.uri);
  if (cached && cached.version === doc.version) return cached.json;
  const json = jsonService().parseJSONDocument(doc);
  parsed.set(doc.uri, { version: doc.version, json });
  return json;
}

export function forgetJsonDocument(uri: string): void {
  parsed.delete(uri);
}
