import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Validates payloads against an OpenAPI 3.0/3.1 document the way OpenAPI means it,
 * which plain JSON Schema does not:
 *
 * - `discriminator` picks the subtype by the tag property, so a `TextMessage` without
 *   `text` fails and a `type` that is not in the mapping fails;
 * - a `$ref` to the parent inside a subtype's `allOf` means "inherit the parent's
 *   properties", not "dispatch again" (otherwise `MessageEvent → Event → MessageEvent`
 *   loops forever);
 * - 3.0 `nullable: true` admits `null`;
 * - `format`s known to ajv-formats are checked; any other format (`snowflake`, …) is
 *   accepted as an annotation.
 *
 * ```ts
 * const doc = loadOpenApiDocument(sharedSpecPath('line', 'webhook.yml'));
 * validateSchema(doc, 'CallbackRequest', body); // { ok: true } | { ok: false, errors }
 * ```
 */

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

export interface OpenApiDocument {
  openapi: string;
  servers?: ServerObject[];
  paths?: Record<string, PathItem>;
  components?: { schemas?: Record<string, unknown>; requestBodies?: Record<string, unknown> };
}

interface ServerObject {
  url: string;
}

type PathItem = Record<string, unknown> & { servers?: ServerObject[] };

interface Operation {
  operationId?: string;
  servers?: ServerObject[];
  requestBody?: unknown;
}

interface RequestBody {
  required?: boolean;
  content?: Record<string, { schema?: unknown }>;
}

type JsonObject = Record<string, unknown>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the official specs live: a sibling of the repository, locally and on CI. */
export const sharedSpecsDir = path.resolve(repoRoot, '..', 'shared', 'specs');

export function sharedSpecPath(...segments: string[]): string {
  return path.join(sharedSpecsDir, ...segments);
}

const loadedDocuments = new Map<string, OpenApiDocument>();

/** Reads a `.yml`/`.yaml`/`.json` OpenAPI document once per process. */
export function loadOpenApiDocument(file: string): OpenApiDocument {
  const absolute = path.resolve(file);
  const cached = loadedDocuments.get(absolute);
  if (cached) return cached;
  const text = readFileSync(absolute, 'utf8');
  const parsed: unknown = /\.ya?ml$/i.test(absolute) ? parseYaml(text) : JSON.parse(text);
  if (!isObject(parsed) || typeof parsed.openapi !== 'string') {
    throw new Error(`${absolute} is not an OpenAPI document`);
  }
  const doc = parsed as unknown as OpenApiDocument;
  loadedDocuments.set(absolute, doc);
  return doc;
}

/** Validates `value` against `#/components/schemas/<schemaName>`. Throws if there is no such schema. */
export function validateSchema(doc: OpenApiDocument, schemaName: string, value: unknown): ValidationResult {
  if (!doc.components?.schemas?.[schemaName]) {
    throw new Error(`the document has no schema named ${schemaName}`);
  }
  const compiled = compiledFor(doc);
  return run(compiled.schema(schemaName), value);
}

/**
 * Finds the operation for `method` and `path` and validates `body` against its JSON
 * request body. `path` may carry a query string, the server's base path
 * (`/api/v10/channels/1/messages`) or be a full URL; a full URL must use one of the
 * operation's servers (LINE serves content downloads from a different host).
 * `body === undefined` means "no body"; a Buffer is a binary body (`format: binary`).
 */
export function validateRequest(
  doc: OpenApiDocument,
  method: string,
  requestPath: string,
  body: unknown,
): ValidationResult {
  const label = `${method.toUpperCase()} ${requestPath}`;
  const found = findOperation(doc, method, requestPath);
  if ('error' in found) return { ok: false, errors: [`${label}: ${found.error}`] };

  const requestBody = resolveLocalRef(doc, found.operation.requestBody) as RequestBody | undefined;
  if (requestBody === undefined) {
    return body === undefined ? { ok: true } : fail(`${label}: the operation takes no request body`);
  }
  if (body === undefined) {
    return requestBody.required ? fail(`${label}: a request body is required`) : { ok: true };
  }
  const mediaTypes = Object.keys(requestBody.content ?? {});
  // Raw bytes (an image upload) fit an operation that takes a binary body.
  if (Buffer.isBuffer(body)) {
    const binary = mediaTypes.find((type) => !/json/.test(type) && (requestBody.content?.[type]?.schema as { format?: string } | undefined)?.format === 'binary');
    return binary ? { ok: true } : fail(`${label}: the operation takes no binary body (accepts ${mediaTypes.join(', ')})`);
  }
  const jsonType = mediaTypes.find((type) => /^application\/(.+\+)?json\b/.test(type));
  if (jsonType === undefined) {
    return fail(`${label}: the operation takes no JSON body (accepts ${mediaTypes.join(', ')})`);
  }
  const key = `${found.template} ${method.toLowerCase()}`;
  const validate = compiledFor(doc).inline(key, requestBody.content?.[jsonType]?.schema ?? {});
  return run(validate, body);
}

function fail(error: string): ValidationResult {
  return { ok: false, errors: [error] };
}

function run(validate: ValidateFunction, value: unknown): ValidationResult {
  if (validate(value)) return { ok: true };
  return { ok: false, errors: formatErrors(validate.errors ?? []) };
}

function formatErrors(errors: ErrorObject[]): string[] {
  const lines = errors
    // `if` only says "must match then"; the errors from inside `then` say what is wrong.
    .filter((error) => error.keyword !== 'if')
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? error.keyword}${detail(error)}`);
  return [...new Set(lines)];
}

function detail(error: ErrorObject): string {
  const params = error.params as JsonObject;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return `: ${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  if (error.keyword === 'const') return `: ${JSON.stringify(params.allowedValue)}`;
  if (error.keyword === 'additionalProperties') return `: ${String(params.additionalProperty)}`;
  return '';
}

// ---- operations -------------------------------------------------------------------------

const httpMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

interface FoundOperation {
  template: string;
  operation: Operation;
}

function findOperation(
  doc: OpenApiDocument,
  method: string,
  requestPath: string,
): FoundOperation | { error: string } {
  const verb = method.toLowerCase();
  if (!httpMethods.has(verb)) return { error: `${method} is not an HTTP method` };

  const absolute = /^https?:\/\//i.test(requestPath) ? new URL(requestPath) : undefined;
  const pathname = absolute ? absolute.pathname : requestPath.replace(/[?#].*$/, '');
  const candidates = candidatePaths(doc, pathname);

  let best: (FoundOperation & { score: number; servers: ServerObject[] }) | undefined;
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    const operation = item[verb] as Operation | undefined;
    if (!operation) continue;
    const pattern = templatePattern(template);
    const servers = operation.servers ?? item.servers ?? doc.servers ?? [];
    for (const candidate of candidates) {
      if (!pattern.test(candidate.path)) continue;
      if (candidate.basePath !== undefined && !servers.some((s) => serverBasePath(s) === candidate.basePath)) continue;
      // Literal segments outrank parameters: `/richmenu/list` beats `/richmenu/{richMenuId}`.
      const score = template.split('/').filter((segment) => !segment.includes('{')).length;
      if (!best || score > best.score) best = { template, operation, score, servers };
    }
  }
  if (!best) return { error: 'no such operation in the document' };

  if (absolute) {
    const url = `${absolute.origin}${absolute.pathname}`;
    const served = best.servers.some((server) => url.startsWith(server.url.replace(/\/$/, '') + '/'));
    if (!served) {
      const name = best.operation.operationId ?? best.template;
      return { error: `${name} is served from ${best.servers.map((s) => s.url).join(' or ')}` };
    }
  }
  return { template: best.template, operation: best.operation };
}

/** The path as given, plus the path with any server base path (`/api/v10`) removed. */
function candidatePaths(doc: OpenApiDocument, pathname: string): { path: string; basePath?: string }[] {
  const candidates: { path: string; basePath?: string }[] = [{ path: pathname }];
  const basePaths = new Set<string>();
  for (const server of allServers(doc)) {
    const basePath = serverBasePath(server);
    if (basePath !== '') basePaths.add(basePath);
  }
  for (const basePath of basePaths) {
    if (pathname.startsWith(`${basePath}/`)) candidates.push({ path: pathname.slice(basePath.length), basePath });
  }
  return candidates;
}

function allServers(doc: OpenApiDocument): ServerObject[] {
  const servers = [...(doc.servers ?? [])];
  for (const item of Object.values(doc.paths ?? {})) {
    servers.push(...(item.servers ?? []));
    for (const verb of httpMethods) servers.push(...((item[verb] as Operation | undefined)?.servers ?? []));
  }
  return servers;
}

function serverBasePath(server: ServerObject): string {
  const { pathname } = new URL(server.url, 'http://relative.invalid');
  return pathname.replace(/\/$/, '');
}

function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}

function resolveLocalRef(doc: OpenApiDocument, value: unknown): unknown {
  let current = value;
  for (let depth = 0; isObject(current) && typeof current.$ref === 'string'; depth += 1) {
    if (depth > 20) throw new Error(`$ref cycle at ${current.$ref}`);
    current = pointer(doc, current.$ref);
  }
  return current;
}

function pointer(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map(unescapePointer)
    .reduce<unknown>((node, token) => (isObject(node) ? node[token] : undefined), doc);
}

// ---- compilation ------------------------------------------------------------------------

interface CompiledDocument {
  schema(name: string): ValidateFunction;
  inline(key: string, schema: unknown): ValidateFunction;
}

const compiledDocuments = new WeakMap<OpenApiDocument, CompiledDocument>();
let documentCounter = 0;

function compiledFor(doc: OpenApiDocument): CompiledDocument {
  const cached = compiledDocuments.get(doc);
  if (cached) return cached;
  const compiled = compileDocument(doc);
  compiledDocuments.set(doc, compiled);
  return compiled;
}

function compileDocument(doc: OpenApiDocument): CompiledDocument {
  documentCounter += 1;
  const id = `openapi-${documentCounter}`;
  const schemas = doc.components?.schemas ?? {};
  const converter = new SchemaConverter(id, schemas);

  const convertedSchemas: JsonObject = {};
  const bases: JsonObject = {};
  for (const [name, schema] of Object.entries(schemas)) {
    convertedSchemas[name] = converter.convertNamed(name, schema);
    if (isObject(schema) && isObject(schema.discriminator)) bases[name] = converter.convertBase(name, schema);
  }

  // strict: false because OpenAPI schemas carry keywords JSON Schema does not know
  // (`example`, `externalDocs`, `x-*`); they are annotations and must not fail compilation.
  const options = { allErrors: true, strict: false, validateSchema: false } as const;
  const ajv = doc.openapi.startsWith('3.1') ? new Ajv2020(options) : new Ajv(options);
  ajvFormats.default(ajv);
  // Formats ajv-formats does not know (`snowflake`, `nonce`) are annotations: accept any value.
  const acceptUnknownFormats = () => {
    for (const format of converter.formats) {
      if (!ajv.formats[format]) ajv.addFormat(format, true);
    }
  };
  acceptUnknownFormats();
  ajv.addSchema({ $id: id, components: { schemas: convertedSchemas, discriminatorBases: bases } });

  const byName = new Map<string, ValidateFunction>();
  const byKey = new Map<string, ValidateFunction>();
  return {
    schema(name) {
      let validate = byName.get(name);
      if (!validate) {
        validate = ajv.getSchema(`${id}#/components/schemas/${escapePointer(name)}`);
        if (!validate) throw new Error(`could not compile schema ${name}`);
        byName.set(name, validate);
      }
      return validate;
    },
    inline(key, schema) {
      let validate = byKey.get(key);
      if (!validate) {
        const converted = converter.convert(schema);
        acceptUnknownFormats();
        validate = ajv.compile(isObject(converted) ? converted : {});
        byKey.set(key, validate);
      }
      return validate;
    },
  };
}

const schemaMaps = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const schemaArrays = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const schemaValues = [
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
];

/**
 * Rewrites OpenAPI schema objects into plain JSON Schema for ajv. Every `$ref` becomes
 * absolute (`<id>#/components/schemas/X`) so inline request-body schemas resolve too.
 *
 * A schema with a `discriminator` gets two forms: `components/schemas/X` dispatches on
 * the tag (the form used wherever the type is *used*), and `components/discriminatorBases/X`
 * holds only its own keywords (the form a subtype *inherits* through `allOf`).
 */
class SchemaConverter {
  readonly formats = new Set<string>();

  constructor(
    private readonly id: string,
    private readonly schemas: Record<string, unknown>,
  ) {}

  convertNamed(name: string, schema: unknown): unknown {
    if (!isObject(schema) || !isObject(schema.discriminator)) return this.convert(schema, name);
    const { propertyName } = schema.discriminator;
    if (typeof propertyName !== 'string') return this.convert(schema, name);
    const mapping = this.mappingOf(name);
    const tags = Object.keys(mapping);
    return {
      allOf: [
        { $ref: `${this.id}#/components/discriminatorBases/${escapePointer(name)}` },
        { type: 'object', required: [propertyName], properties: { [propertyName]: { enum: tags } } },
        ...tags.map((tag) => ({
          if: { type: 'object', required: [propertyName], properties: { [propertyName]: { const: tag } } },
          then: { $ref: this.absoluteRef(mapping[tag] as string) },
        })),
      ],
    };
  }

  convertBase(name: string, schema: JsonObject): unknown {
    const { discriminator, ...rest } = schema;
    // With `oneOf`/`anyOf` + discriminator the union *is* the dispatch, which the
    // dispatching form replaces; keeping it would re-check every branch.
    if (isObject(discriminator) && (rest.oneOf || rest.anyOf)) {
      delete rest.oneOf;
      delete rest.anyOf;
    }
    return this.convert(rest, name);
  }

  /**
   * `subtypeName` is set only for the top level of a named schema: that is where a
   * subtype declares its parent (`allOf: [{ $ref: Parent }, …]`).
   */
  convert(schema: unknown, subtypeName?: string): unknown {
    if (!isObject(schema)) return schema;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') {
        out.$ref = this.absoluteRef(value);
      } else if (key === 'discriminator' || key === 'nullable') {
        continue;
      } else if (key === 'format' && typeof value === 'string') {
        this.formats.add(value);
        out.format = value;
      } else if (schemaMaps.includes(key) && isObject(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, this.convert(sub)]));
      } else if (schemaArrays.includes(key) && Array.isArray(value)) {
        out[key] = value.map((sub) => (key === 'allOf' ? this.convertParent(sub, subtypeName) : this.convert(sub)));
      } else if (schemaValues.includes(key)) {
        out[key] = Array.isArray(value) ? value.map((sub) => this.convert(sub)) : this.convert(value);
      } else {
        out[key] = value;
      }
    }
    convertExclusiveBounds(out);
    return schema.nullable === true ? admitNull(out) : out;
  }

  /** A parent reference inside a subtype's `allOf` inherits the parent's own keywords only. */
  private convertParent(branch: unknown, subtypeName: string | undefined): unknown {
    if (subtypeName === undefined || !isObject(branch) || typeof branch.$ref !== 'string') return this.convert(branch);
    const parentName = this.componentName(branch.$ref);
    const parent = parentName === undefined ? undefined : this.schemas[parentName];
    if (parentName === undefined || !isObject(parent) || !isObject(parent.discriminator)) return this.convert(branch);
    const subtypes = Object.values(this.mappingOf(parentName)).map((ref) => this.componentName(ref));
    if (!subtypes.includes(subtypeName)) return this.convert(branch);
    const converted = this.convert(branch) as JsonObject;
    return { ...converted, $ref: `${this.id}#/components/discriminatorBases/${escapePointer(parentName)}` };
  }

  private readonly mappings = new Map<string, Record<string, string>>();

  /** The explicit mapping, else the `oneOf` refs, else every schema that inherits `name` via `allOf`. */
  private mappingOf(name: string): Record<string, string> {
    const cached = this.mappings.get(name);
    if (cached) return cached;
    const schema = this.schemas[name] as JsonObject;
    const discriminator = schema.discriminator as JsonObject;
    const explicit = isObject(discriminator.mapping) ? (discriminator.mapping as Record<string, string>) : {};
    const mapping: Record<string, string> = {};
    for (const [tag, target] of Object.entries(explicit)) {
      // A mapping value may be a bare schema name instead of a reference.
      mapping[tag] = target.startsWith('#') ? target : `#/components/schemas/${target}`;
    }
    const implicit = [...(asArray(schema.oneOf) ?? []), ...(asArray(schema.anyOf) ?? [])]
      .map((branch) => (isObject(branch) && typeof branch.$ref === 'string' ? branch.$ref : undefined))
      .filter((ref): ref is string => ref !== undefined);
    if (implicit.length === 0 && Object.keys(explicit).length === 0) {
      const ownRef = `#/components/schemas/${name}`;
      for (const [childName, child] of Object.entries(this.schemas)) {
        const parents = asArray(isObject(child) ? child.allOf : undefined) ?? [];
        if (parents.some((parent) => isObject(parent) && parent.$ref === ownRef)) {
          implicit.push(`#/components/schemas/${childName}`);
        }
      }
    }
    for (const ref of implicit) {
      if (!Object.values(mapping).includes(ref)) mapping[ref.split('/').pop() as string] = ref;
    }
    this.mappings.set(name, mapping);
    return mapping;
  }

  private componentName(ref: string): string | undefined {
    const prefix = '#/components/schemas/';
    return ref.startsWith(prefix) ? unescapePointer(ref.slice(prefix.length)) : undefined;
  }

  private absoluteRef(ref: string): string {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
    return `${this.id}${ref}`;
  }
}

/** OpenAPI 3.0 (draft-04 style) writes `exclusiveMinimum: true` next to `minimum`. */
function convertExclusiveBounds(schema: JsonObject): void {
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof schema[flag] !== 'boolean') continue;
    if (schema[flag] === true && typeof schema[bound] === 'number') {
      schema[flag] = schema[bound];
      delete schema[bound];
    } else {
      delete schema[flag];
    }
  }
}

function admitNull(schema: JsonObject): JsonObject {
  if (typeof schema.type === 'string' && schema.$ref === undefined && !schema.allOf && !schema.oneOf && !schema.anyOf) {
    const nullable: JsonObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) nullable.enum = [...schema.enum, null];
    return nullable;
  }
  return { anyOf: [{ type: 'null' }, schema] };
}

function escapePointer(token: string): string {
  return encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function unescapePointer(token: string): string {
  return decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
