/**
 * Discord's published OpenAPI spec (test/fixtures/discord-api-spec) as a referee for request bodies: finds the
 * operation of a method + path, validates the JSON body (a multipart request's payload_json) against its request
 * schema with ajv, and explains failures readably. Schemas compile lazily, once per operation.
 */
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';

type Json = Record<string, unknown>;
type Path = Array<string | number>;
type Validate = Ajv.ValidateFunction;

export interface SpecOperation {
	id: string;
	method: string;
	/** The spec's path template, e.g. '/interactions/{interaction_id}/{interaction_token}/callback'. */
	template: string;
}

/** One reason the spec refuses a body: where, a Discord-style error code, and a readable message. */
export interface SpecIssue {
	path: Path;
	code: string;
	message: string;
}

interface Spec {
	paths: Record<string, Record<string, { operationId?: string; requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
	components: { schemas: Record<string, unknown> };
}

interface Namespace {
	key: string;
	defs: Record<string, unknown>;
}

const SPEC_FILE = new URL('../fixtures/discord-api-spec/openapi.json', import.meta.url);
const BODY = '__body';
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

let spec: Spec | undefined;
let ajv: Ajv.Ajv | undefined;
const namespaces = new Map<string, Namespace | null>();
const inlineValidators = new Map<string, Validate>();

function loadSpec(): Spec {
	spec ??= JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Spec;
	return spec;
}

function validator(): Ajv.Ajv {
	if (ajv) return ajv;
	// The spec says OpenAPI 3.1 (JSON Schema 2020-12) but uses only keywords draft-07 has the same meaning for.
	ajv = new Ajv({ allErrors: true, verbose: true, jsonPointers: true, validateSchema: false, logger: false, unknownFormats: 'ignore' });
	const int = (bits: number) => (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1);
	ajv.addFormat('int32', { type: 'number', validate: int(32) });
	ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
	ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
	ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
	ajv.addFormat('nonce', /^.{0,25}$/s);
	return ajv;
}

/** '/api/v10/channels/1/messages?wait=true' → ['channels', '1', 'messages'] (decoded per segment). */
function segmentsOf(path: string): string[] {
	const segments = path.split('?')[0]!.split('/').filter(Boolean);
	if (segments[0] === 'api') segments.shift();
	if (/^v\d+$/.test(segments[0] ?? '')) segments.shift();
	return segments.map((s) => {
		try {
			return decodeURIComponent(s);
		} catch {
			return s;
		}
	});
}

/** The spec operation for `method` and a path as the bot requests it; literal segments beat `{params}`. */
export function findOperation(method: string, path: string): SpecOperation | undefined {
	const actual = segmentsOf(path);
	const verb = method.toLowerCase();
	let best: { op: SpecOperation; literals: number } | undefined;
	for (const [template, ops] of Object.entries(loadSpec().paths)) {
		const operation = ops[verb];
		const pattern = template.split('/').filter(Boolean);
		if (!operation?.operationId || pattern.length !== actual.length) continue;
		const matches = pattern.every((p, i) => (p.startsWith('{') ? (actual[i] ?? '') !== '' : p === actual[i]));
		const literals = pattern.filter((p) => !p.startsWith('{')).length;
		if (matches && (!best || literals > best.literals)) best = { op: { id: operation.operationId, method: verb, template }, literals };
	}
	return best?.op;
}

/** The operation's request schema and the component schemas it reaches, refs rewritten to '#/definitions/…'. */
function namespaceFor(op: SpecOperation): Namespace | null {
	const cached = namespaces.get(op.id);
	if (cached !== undefined) return cached;
	const { paths, components } = loadSpec();
	const content = paths[op.template]?.[op.method]?.requestBody?.content ?? {};
	const root = (content['application/json'] ?? Object.values(content)[0])?.schema;
	if (root === undefined) {
		namespaces.set(op.id, null);
		return null;
	}
	const defs: Record<string, unknown> = {};
	const rewrite = (node: unknown): unknown => {
		if (Array.isArray(node)) return node.map(rewrite);
		if (!isRecord(node)) return node;
		const out: Json = {};
		for (const [key, value] of Object.entries(node)) {
			if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
				const name = value.slice('#/components/schemas/'.length);
				if (!(name in defs)) {
					defs[name] = true; // placeholder: cycles stop here
					defs[name] = rewrite(components.schemas[name]);
				}
				out.$ref = `#/definitions/${name}`;
			} else {
				out[key] = rewrite(value);
			}
		}
		return out;
	};
	defs[BODY] = rewrite(root);
	const ns = { key: `discord-openapi:${op.id}`, defs };
	validator().addSchema({ definitions: defs }, ns.key);
	namespaces.set(op.id, ns);
	return ns;
}

function compiled(ns: Namespace, schema: unknown): Validate {
	if (isRecord(schema) && typeof schema.$ref === 'string') {
		const found = validator().getSchema(`${ns.key}${schema.$ref}`);
		if (found) return found;
	}
	const key = `${ns.key} ${JSON.stringify(schema)}`;
	let validate = inlineValidators.get(key);
	if (!validate) {
		validate = validator().compile(isRecord(schema) ? { ...schema, definitions: ns.defs } : { definitions: ns.defs });
		inlineValidators.set(key, validate);
	}
	return validate;
}

const pointer = (dataPath: string): Path =>
	dataPath
		.split('/')
		.slice(1)
		.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
		.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
const within = (path: Path, base: Path): boolean => path.length >= base.length && base.every((s, i) => path[i] === s);

const TYPE_CODES: Record<string, string> = {
	string: 'STRING_TYPE_CONVERT',
	integer: 'NUMBER_TYPE_COERCE',
	number: 'NUMBER_TYPE_COERCE',
	boolean: 'BOOLEAN_TYPE_CONVERT',
	array: 'LIST_TYPE_CONVERT',
	object: 'DICT_TYPE_CONVERT',
};
const KEYWORD_CODES: Record<string, string> = {
	required: 'BASE_TYPE_REQUIRED',
	maxLength: 'BASE_TYPE_MAX_LENGTH',
	maxItems: 'BASE_TYPE_MAX_LENGTH',
	minLength: 'BASE_TYPE_MIN_LENGTH',
	minItems: 'BASE_TYPE_MIN_LENGTH',
	minimum: 'NUMBER_TYPE_MIN',
	maximum: 'NUMBER_TYPE_MAX',
	enum: 'BASE_TYPE_CHOICES',
	const: 'BASE_TYPE_CHOICES',
	pattern: 'STRING_TYPE_REGEX',
	format: 'BASE_TYPE_BAD_FORMAT',
	uniqueItems: 'BASE_TYPE_DUPLICATES',
};

function plainIssue(e: Ajv.ErrorObject, path: Path): SpecIssue {
	if (e.keyword === 'required') {
		const missing = (e.params as Ajv.RequiredParams).missingProperty.replace(/^\./, '');
		return { path: [...path, missing], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
	}
	const expected = e.keyword === 'type' ? String((e.params as Ajv.TypeParams).type).split(',')[0]! : '';
	const allowed = e.keyword === 'enum' ? ` ${JSON.stringify((e.params as Ajv.EnumParams).allowedValues)}` : '';
	const code = e.keyword === 'type' ? (TYPE_CODES[expected] ?? 'BASE_TYPE_INVALID') : (KEYWORD_CODES[e.keyword] ?? 'BASE_TYPE_INVALID');
	return { path, code, message: `${e.message ?? e.keyword}${allowed}` };
}

/** Discord accepts int-parseable strings for int fields (the spec's README says so). */
function intAsString(e: Ajv.ErrorObject): boolean {
	return e.keyword === 'type' && String((e.params as Ajv.TypeParams).type).includes('integer') && typeof e.data === 'string' && /^-?\d+$/.test(e.data);
}

/** The branches a union value could have meant: those whose `type` enum holds the value's `type`, else every non-null one. */
function candidates(ns: Namespace, branches: unknown[], data: unknown): unknown[] {
	const resolved = (b: unknown): unknown => (isRecord(b) && typeof b.$ref === 'string' ? ns.defs[b.$ref.replace('#/definitions/', '')] : b);
	const nonNull = branches.filter((b) => !(isRecord(resolved(b)) && (resolved(b) as Json).type === 'null'));
	if (!isRecord(data) || data.type === undefined) return nonNull;
	const typed = nonNull.filter((b) => {
		const schema = resolved(b);
		const type = isRecord(schema) && isRecord(schema.properties) ? schema.properties.type : undefined;
		return isRecord(type) && Array.isArray(type.enum) && type.enum.includes(data.type);
	});
	const discriminated = nonNull.some((b) => {
		const schema = resolved(b);
		return isRecord(schema) && isRecord(schema.properties) && isRecord(schema.properties.type) && Array.isArray(schema.properties.type.enum);
	});
	return discriminated ? typed : nonNull;
}

/** A union that failed: the issues of the branch the value most likely meant (fewest issues), or why none fits. */
function unionIssues(ns: Namespace, e: Ajv.ErrorObject, path: Path): SpecIssue[] {
	const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
	if (passing) return [{ path, code: 'UNION_TYPE_CHOICES', message: `matches more than one alternative (${passing.join(', ')})` }];
	const branches = Array.isArray(e.schema) ? (e.schema as unknown[]) : [];
	const options = candidates(ns, branches, e.data);
	if (options.length === 0) {
		const type = isRecord(e.data) ? JSON.stringify(e.data.type) : JSON.stringify(e.data);
		return [{ path: isRecord(e.data) ? [...path, 'type'] : path, code: 'UNION_TYPE_CHOICES', message: `value ${type} matches none of the allowed types` }];
	}
	let best: SpecIssue[] | undefined;
	for (const branch of options) {
		const found = issuesOf(ns, branch, e.data, path);
		if (!best || found.length < best.length) best = found;
	}
	return best ?? [];
}

function issuesOf(ns: Namespace, schema: unknown, data: unknown, base: Path): SpecIssue[] {
	const validate = compiled(ns, schema);
	if (validate(data)) return [];
	const errors = validate.errors ?? [];
	const unions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => ({ e, path: pointer(e.dataPath) }));
	const out: SpecIssue[] = [];
	for (const e of errors) {
		const path = pointer(e.dataPath);
		// Errors inside a union come from every branch tried; the union explains itself below.
		if (unions.some((u) => u.e !== e && within(path, u.path))) continue;
		if (intAsString(e)) continue;
		if (e.keyword === 'oneOf' || e.keyword === 'anyOf') out.push(...unionIssues(ns, e, [...base, ...path]));
		else out.push(plainIssue(e, [...base, ...path]));
	}
	const unique = new Map(out.map((i) => [`${i.path.join('.')} ${i.message}`, i]));
	return [...unique.values()];
}

/**
 * Issues the spec finds with `body` for `method` `path` ([] when valid); undefined when the spec has no such
 * operation or it takes no body.
 */
export function specIssues(method: string, path: string, body: unknown): SpecIssue[] | undefined {
	const op = findOperation(method, path);
	const ns = op ? namespaceFor(op) : null;
	if (!op || !ns) return undefined;
	return issuesOf(ns, { $ref: `#/definitions/${BODY}` }, body, []);
}

/** 'data.components[0].items' for ['data', 'components', 0, 'items']. */
export function formatPath(path: Path): string {
	return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('') || '(body)';
}

/** Readable errors for a request the bot made ([] when valid or not covered by the spec). */
export function specErrors(method: string, path: string, body: unknown): string[] {
	const op = findOperation(method, path);
	return (specIssues(method, path, body) ?? []).map((i) => `${op?.id ?? '?'}: ${formatPath(i.path)}: ${i.message} [${i.code}]`);
}
