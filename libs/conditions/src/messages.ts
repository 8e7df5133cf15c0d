/*
 * Human-readable compile errors. Positions are "line L, column C" (1-based) so an admin can find the
 * spot in a multi-line condition.
 */

export function position(source: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function snippet(source: string, offset: number): string {
  const rest = source.slice(offset).split('\n')[0] ?? '';
  return rest.length > 20 ? `${rest.slice(0, 20)}…` : rest;
}

/**
 * The parser (a PEG) reports where its longest valid prefix ended, as "found & but expecting end
 * of input", which rarely says what is wrong. The usual mistakes are easy to spot directly.
 */
function hint(source: string): string | undefined {
  const open: string[] = [];
  const closing: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] ?? '';
    if (ch === '"' || ch === "'") {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) return `unterminated string starting at ${position(source, i)}`;
      i = end;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      open.push(ch);
    } else if (ch in closing) {
      if (open.pop() !== closing[ch]) return `unexpected '${ch}' at ${position(source, i)}`;
    } else if (ch === '=' && !'=!<>'.includes(source[i - 1] ?? '') && source[i + 1] !== '=') {
      return `use '==' to compare (single '=' at ${position(source, i)})`;
    }
  }
  const unclosed = open.pop();
  return unclosed === undefined ? undefined : `unclosed '${unclosed}'`;
}

interface ParseErrorShape {
  rawMessage?: unknown;
  location?: { start?: { offset?: unknown } };
}

export function parseErrorMessage(error: unknown, source: string): string {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ParseErrorShape;
  const offset = typeof shape.location?.start?.offset === 'number' ? shape.location.start.offset : undefined;
  const raw =
    typeof shape.rawMessage === 'string' ? shape.rawMessage : error instanceof Error ? error.message : '';
  const where =
    offset === undefined ? '' : ` at ${position(source, offset)} (near "${snippet(source, offset)}")`;
  return `syntax error${where}: ${hint(source) ?? raw}`;
}
