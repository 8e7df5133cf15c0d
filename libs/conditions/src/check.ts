import { CelScalar, listType, mapType } from '@bufbuild/cel';
import type { CelEnv, CelType, parse } from '@bufbuild/cel';
import {
  article,
  asMapKey,
  assignable,
  BOOL,
  comparable,
  constantType,
  DYN,
  isDyn,
  isNumeric,
  join,
  OPERATORS,
  TYPE_NAMES,
} from './types';

/*
 * A static type check of a parsed condition, run once at compile (save) time.
 *
 * Why our own: @bufbuild/cel 0.6.1 evaluates without type checking (`plan` accepts `foo == 1` and
 * `model + 1` and only fails at run time), and its `check()` is neither exported from the package
 * nor complete (it throws "Unsupported expression kind: callExpr" for any call). So this walks the
 * AST with the declared variable types and the overloads the environment really has (`env.funcs`),
 * reporting what is certainly wrong. It errs towards accepting: anything involving `dyn` (values of
 * `params`) passes and is left to run time, where an error makes the condition false.
 */

export type Expr = ReturnType<typeof parse>['expr'];
type Call = Extract<Expr['exprKind'], { case: 'callExpr' }>['value'];
type Comprehension = Extract<Expr['exprKind'], { case: 'comprehensionExpr' }>['value'];
type Scope = ReadonlyMap<string, CelType>;

export interface Problem {
  readonly exprId: bigint;
  readonly message: string;
}

export interface CheckResult {
  readonly type: CelType;
  readonly problems: readonly Problem[];
  /** Identifiers that are neither declared variables nor comprehension variables. */
  readonly unknownVariables: readonly string[];
  /** Declared variables the expression reads, so evaluation converts only those. */
  readonly usedVariables: ReadonlySet<string>;
}

export class Checker {
  private readonly problems: Problem[] = [];
  private readonly unknown = new Set<string>();
  private readonly used = new Set<string>();

  constructor(
    private readonly env: CelEnv,
    private readonly variables: Scope,
    /** Returns an error message for an invalid regular expression (checked with the runtime's RE2). */
    private readonly regexError: (pattern: string) => string | undefined,
  ) {}

  check(expr: Expr): CheckResult {
    const type = this.infer(expr, new Map());
    return { type, problems: this.problems, unknownVariables: [...this.unknown], usedVariables: this.used };
  }

  private problem(expr: Expr, message: string): CelType {
    this.problems.push({ exprId: expr.id, message });
    return DYN;
  }

  private infer(expr: Expr, scope: Scope): CelType {
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr':
        return constantType(kind.value.constantKind.case);
      case 'identExpr': {
        const name = kind.value.name;
        const local = scope.get(name);
        if (local !== undefined) return local;
        const type = this.variables.get(name);
        if (type !== undefined) {
          this.used.add(name);
          return type;
        }
        if (TYPE_NAMES.has(name)) return CelScalar.TYPE;
        this.unknown.add(name);
        return this.problem(expr, `unknown variable '${name}'`);
      }
      case 'selectExpr': {
        const { operand, field, testOnly } = kind.value;
        if (operand === undefined) return DYN;
        const type = this.infer(operand, scope);
        if (isDyn(type)) return testOnly ? BOOL : DYN;
        if (type.kind === 'map' && assignable(type.key, CelScalar.STRING))
          return testOnly ? BOOL : type.value;
        return this.problem(expr, `cannot read field '${field}' of ${article(type)}`);
      }
      case 'callExpr':
        return this.call(expr, kind.value, scope);
      case 'listExpr':
        return listType(join(kind.value.elements.map((e) => this.infer(e, scope))));
      case 'structExpr': {
        if (kind.value.messageName !== '') {
          return this.problem(expr, `message construction (${kind.value.messageName}) is not supported`);
        }
        const keys: CelType[] = [];
        const values: CelType[] = [];
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') keys.push(this.infer(entry.keyKind.value, scope));
          if (entry.value !== undefined) values.push(this.infer(entry.value, scope));
        }
        return mapType(asMapKey(join(keys)), join(values));
      }
      case 'comprehensionExpr':
        return this.comprehension(expr, kind.value, scope);
      case undefined:
        return DYN;
    }
  }

  private comprehension(expr: Expr, c: Comprehension, scope: Scope): CelType {
    const range = c.iterRange === undefined ? DYN : this.infer(c.iterRange, scope);
    let first: CelType = DYN;
    let second: CelType = DYN;
    if (range.kind === 'list') {
      [first, second] = c.iterVar2 === '' ? [range.element, DYN] : [CelScalar.INT, range.element];
    } else if (range.kind === 'map') {
      [first, second] = [range.key, range.value];
    } else if (!isDyn(range)) {
      this.problem(expr, `cannot iterate over ${article(range)}`);
    }
    const accu = c.accuInit === undefined ? DYN : this.infer(c.accuInit, scope);
    const loop = new Map(scope).set(c.accuVar, accu).set(c.iterVar, first);
    if (c.iterVar2 !== '') loop.set(c.iterVar2, second);
    if (c.loopCondition !== undefined) this.infer(c.loopCondition, loop);
    if (c.loopStep !== undefined) this.infer(c.loopStep, loop);
    return c.result === undefined ? DYN : this.infer(c.result, new Map(scope).set(c.accuVar, accu));
  }

  private call(expr: Expr, call: Call, scope: Scope): CelType {
    const target = call.target === undefined ? undefined : this.infer(call.target, scope);
    const args = call.args.map((a) => this.infer(a, scope));
    const [a, b, c] = args;
    switch (call.function) {
      case '_&&_':
      case '_||_': {
        const op = call.function === '_&&_' ? '&&' : '||';
        if (args.some((t) => !assignable(BOOL, t))) {
          this.problem(expr, `'${op}' needs bool operands, got ${args.map(String).join(' and ')}`);
        }
        return BOOL;
      }
      case '@not_strictly_false':
        // Generated by the parser inside comprehension loops, over the accumulator only.
        return BOOL;
      case '_?_:_':
        if (a !== undefined && !assignable(BOOL, a))
          this.problem(expr, `the condition of '?:' must be a bool`);
        return b !== undefined && c !== undefined ? join([b, c]) : DYN;
      case '_==_':
      case '_!=_':
        if (a !== undefined && b !== undefined && !comparable(a, b)) {
          this.problem(expr, `cannot compare ${article(a)} with ${article(b)}`);
        }
        return BOOL;
      case '_[_]':
        return a !== undefined && b !== undefined ? this.index(expr, a, b) : DYN;
      case '@in':
        if (a !== undefined && b !== undefined) this.membership(expr, a, b);
        return BOOL;
      case 'matches':
        this.checkPattern(call);
        break;
    }
    return this.overload(expr, call.function, target, args);
  }

  private index(expr: Expr, container: CelType, key: CelType): CelType {
    if (isDyn(container)) return DYN;
    if (container.kind === 'list') {
      if (isNumeric(key) || isDyn(key)) return container.element;
      return this.problem(expr, `a list index must be a number, got ${article(key)}`);
    }
    if (container.kind === 'map') {
      if (comparable(container.key, key)) return container.value;
      return this.problem(
        expr,
        `the key of ${article(container)} must be ${article(container.key)}, got ${article(key)}`,
      );
    }
    return this.problem(expr, `cannot index ${article(container)}`);
  }

  private membership(expr: Expr, element: CelType, container: CelType): void {
    if (isDyn(container)) return;
    const member =
      container.kind === 'list' ? container.element : container.kind === 'map' ? container.key : undefined;
    if (member === undefined) {
      this.problem(expr, `'in' needs a list or a map on the right, got ${article(container)}`);
    } else if (!comparable(member, element)) {
      this.problem(expr, `'in' looks for ${article(element)} in ${article(container)}`);
    }
  }

  /** A literal pattern is compiled now, so a typo fails at save time instead of never matching. */
  private checkPattern(call: Call): void {
    const pattern = call.args[call.args.length - 1];
    const kind = pattern?.exprKind;
    if (pattern === undefined || kind?.case !== 'constExpr') return;
    const constant = kind.value.constantKind;
    if (constant.case !== 'stringValue') return;
    const error = this.regexError(constant.value);
    if (error !== undefined) this.problem(pattern, `invalid regular expression: ${error}`);
  }

  /** Resolves a function or operator against the environment's overloads, as the runtime would. */
  private overload(expr: Expr, name: string, target: CelType | undefined, args: readonly CelType[]): CelType {
    const group = this.env.funcs.find(name);
    const operator = OPERATORS[name];
    const shown =
      operator !== undefined
        ? `'${operator}' for ${args.map(String).join(' and ')}`
        : `${target === undefined ? '' : `${String(target)}.`}${name}(${args.map(String).join(', ')})`;
    if (group === undefined) {
      return this.problem(expr, `unknown function '${name}'`);
    }
    const matching = [...group].filter(
      (f) =>
        (f.target === undefined) === (target === undefined) &&
        (f.target === undefined || target === undefined || assignable(f.target, target)) &&
        f.arguments.length === args.length &&
        f.arguments.every((param, i) => assignable(param, args[i] ?? DYN)),
    );
    if (matching.length === 0) return this.problem(expr, `no overload of ${shown}`);
    return join(matching.map((f) => f.result));
  }
}
