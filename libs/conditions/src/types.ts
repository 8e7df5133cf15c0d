import { CelScalar } from '@bufbuild/cel';
import type { CelMapType, CelType, parse } from '@bufbuild/cel';

/* Type helpers for the static check (check.ts), over @bufbuild/cel's own type values. */

type Constant = ReturnType<typeof parse>['expr']['exprKind'] & { case: 'constExpr' };
type MapKey = CelMapType['key'];

export const BOOL: typeof CelScalar.BOOL = CelScalar.BOOL;
export const DYN: typeof CelScalar.DYN = CelScalar.DYN;

/** How operators read in messages: users write `+`, not `_+_`. */
export const OPERATORS: Readonly<Record<string, string>> = {
  '_+_': '+',
  '_-_': '-',
  '_*_': '*',
  '_/_': '/',
  '_%_': '%',
  '-_': 'unary -',
  '!_': '!',
  '_==_': '==',
  '_!=_': '!=',
  '_<_': '<',
  '_<=_': '<=',
  '_>_': '>',
  '_>=_': '>=',
};

/** CEL type names usable as values, as in `type(x) == string`. */
export const TYPE_NAMES = new Set([
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
]);

/** "a string", "an int": messages read as sentences. */
export function article(t: CelType): string {
  const name = String(t);
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

export function isDyn(t: CelType): boolean {
  return t.kind === 'scalar' && t.scalar === 'dyn';
}

export function isNumeric(t: CelType): boolean {
  return t.kind === 'scalar' && (t.scalar === 'int' || t.scalar === 'uint' || t.scalar === 'double');
}

/** Whether a value of type `arg` may be passed where `param` is expected (`dyn` fits anything). */
export function assignable(param: CelType, arg: CelType): boolean {
  if (isDyn(param) || isDyn(arg)) return true;
  switch (param.kind) {
    case 'scalar':
      return arg.kind === 'scalar' && arg.scalar === param.scalar;
    case 'list':
      return arg.kind === 'list' && assignable(param.element, arg.element);
    case 'map':
      return arg.kind === 'map' && assignable(param.key, arg.key) && assignable(param.value, arg.value);
    case 'object':
      return arg.kind === 'object' && arg.name === param.name;
  }
}

/** CEL compares numbers across int/uint/double (heterogeneous equality), so those never mismatch. */
export function comparable(a: CelType, b: CelType): boolean {
  return (isNumeric(a) && isNumeric(b)) || assignable(a, b) || assignable(b, a);
}

export function join(types: readonly CelType[]): CelType {
  const first = types[0];
  if (first === undefined) return DYN;
  return types.every((t) => String(t) === String(first)) ? first : DYN;
}

export function asMapKey(t: CelType): MapKey {
  if (t.kind === 'scalar') {
    switch (t.scalar) {
      case 'int':
        return CelScalar.INT;
      case 'uint':
        return CelScalar.UINT;
      case 'bool':
        return CelScalar.BOOL;
      case 'string':
        return CelScalar.STRING;
      case 'bytes':
      case 'double':
      case 'dyn':
      case 'null_type':
      case 'type':
        return DYN;
    }
  }
  return DYN;
}

export function constantType(kind: Constant['value']['constantKind']['case']): CelType {
  switch (kind) {
    case 'boolValue':
      return BOOL;
    case 'int64Value':
      return CelScalar.INT;
    case 'uint64Value':
      return CelScalar.UINT;
    case 'doubleValue':
      return CelScalar.DOUBLE;
    case 'stringValue':
      return CelScalar.STRING;
    case 'bytesValue':
      return CelScalar.BYTES;
    case 'nullValue':
      return CelScalar.NULL;
    // Deprecated in the CEL spec and never produced by the parser.
    case 'durationValue':
    case 'timestampValue':
    case undefined:
      return DYN;
  }
}
