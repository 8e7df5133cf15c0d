import { type JsonObject, asString, isRecord } from '../json';

/*
 * Tool parameters go to Gemini as `parametersJsonSchema` (and structured output as
 * `responseJsonSchema`), not as `parameters`. `parameters` takes an OpenAPI 3.0 subset and 400s the
 * whole request on `$schema`, `$ref`/`$defs`, `additionalProperties`, `const`, type arrays, …;
 * down-translating into it is lossy (unions, nullable, refs) and every gateway that does it keeps
 * chasing new keywords. The `*JsonSchema` fields take JSON Schema as is (gemini-cli sends MCP tool
 * schemas this way). We still make two cheap, lossless adjustments that real schemas need:
 * drop `$schema` (a meta declaration, meaningless to the model) and inline same-document `$ref`s
 * (pydantic/zod emit them; Gemini restricts what may sit beside a `$ref`). Recursive or unresolvable
 * refs are left in place together with their `$defs`, so the schema stays valid.
 */

/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is data, not a schema: copied untouched. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example']);
/** Upper bound on `$ref` inlinings, so a dense web of refs cannot blow the schema up. */
const MAX_INLINED_REFS = 256;

/** JSON Schema prepared for Gemini's `parametersJsonSchema` / `responseJsonSchema`. */
export function prepareJsonSchema(schema: JsonObject): JsonObject {
  const state = { inlined: 0, unresolved: false };

  const visit = (node: unknown, refStack: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, refStack));
    if (!isRecord(node)) return node;

    const ref = asString(node.$ref);
    if (ref !== undefined) {
      const target = resolveLocalRef(schema, ref);
      if (isRecord(target) && !refStack.includes(ref) && state.inlined < MAX_INLINED_REFS) {
        state.inlined++;
        const { $ref: _ref, ...siblings } = node;
        return visit({ ...target, ...siblings }, [...refStack, ref]);
      }
      state.unresolved = true;
    }

    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$schema') continue;
      if (DATA_KEYWORDS.has(key)) out[key] = value;
      else if (SCHEMA_MAPS.has(key) && isRecord(value)) {
        const mapped: JsonObject = {};
        for (const [name, sub] of Object.entries(value)) mapped[name] = visit(sub, refStack);
        out[key] = mapped;
      } else out[key] = visit(value, refStack);
    }
    return out;
  };

  const prepared = visit(schema, []) as JsonObject;
  if (!state.unresolved) {
    delete prepared.$defs;
    delete prepared.definitions;
  }
  return prepared;
}

/** Tool parameters: a prepared schema whose root is an object, as Gemini requires. */
export function prepareToolParameters(parameters: JsonObject): JsonObject {
  const prepared = prepareJsonSchema(parameters);
  if (prepared.type === undefined && prepared.anyOf === undefined && prepared.oneOf === undefined) {
    prepared.type = 'object';
  }
  if (prepared.type === 'object' && prepared.properties === undefined) prepared.properties = {};
  return prepared;
}

/** Resolve a same-document JSON pointer (`#/$defs/Foo`); anything else is `undefined`. */
function resolveLocalRef(root: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const pointer = ref.slice(1);
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    let token: string;
    try {
      token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return undefined;
    }
    if (!isRecord(node) || !Object.prototype.hasOwnProperty.call(node, token)) return undefined;
    node = node[token];
  }
  return node;
}
