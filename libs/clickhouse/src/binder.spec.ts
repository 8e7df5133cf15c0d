import { fragment, identifier, joinFragments, list, quoteString, sql, SqlBindError } from './binder';

describe('sql binder', () => {
  it('quotes strings so quotes, backslashes and control bytes cannot end the literal', () => {
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('a\\')).toBe("'a\\\\'");
    expect(quoteString("\\'")).toBe("'\\\\\\''");
    expect(quoteString('nul\u0000 nl\n cr\r tab\t del\u007f')).toBe(
      "'nul\\x00 nl\\x0a cr\\x0d tab\\x09 del\\x7f'",
    );
    expect(quoteString('中文 😀')).toBe("'中文 😀'");
  });

  it('refuses strings with lone surrogates, which cannot round-trip through UTF-8', () => {
    expect(() => quoteString('a\ud800b')).toThrow(SqlBindError);
    expect(() => quoteString('\udc00')).toThrow(SqlBindError);
    expect(quoteString('\ud83d\ude00')).toBe("'😀'");
  });

  it('renders every value as one self-contained token', () => {
    expect(sql`a-${-1}`).toBe('a-(-1)');
    expect(sql`a-${-0}`).toBe('a-(0)');
    expect(sql`${1.5} ${0} ${1e21}`).toBe('1.5 0 1e+21');
    expect(sql`${12345678901234567890n} ${-5n}`).toBe('12345678901234567890 (-5)');
    expect(sql`${true} ${false} ${null}`).toBe('1 0 NULL');
    expect(sql`${new Date('2026-11-20T10:15:30.999Z')}`).toBe('toDateTime(1795169730)');
    expect(sql`${['a', 1, null]}`).toBe("['a', 1, NULL]");
    expect(sql`x IN (${list(['a', "b'"])})`).toBe("x IN ('a', 'b\\'')");
  });

  it('refuses values that have no faithful literal', () => {
    expect(() => sql`${Number.NaN}`).toThrow(SqlBindError);
    expect(() => sql`${Number.POSITIVE_INFINITY}`).toThrow(SqlBindError);
    expect(() => sql`${new Date('nope')}`).toThrow(SqlBindError);
    expect(() => sql`${new Date('1960-01-01T00:00:00Z')}`).toThrow(/outside DateTime/);
    expect(() => list([])).toThrow(SqlBindError);
    expect(() => sql`${{ text: 'DROP TABLE x' } as never}`).toThrow(SqlBindError);
    expect(() => sql`${undefined as never}`).toThrow(SqlBindError);
  });

  it('accepts identifiers only from the whitelist and of the plain shape, backquoted', () => {
    expect(sql`SELECT ${identifier('cost_nanos')} FROM t`).toBe('SELECT `cost_nanos` FROM t');
    expect(sql`${identifier('user', ['user', 'team'])}`).toBe('`user`');
    expect(() => identifier('model', ['user'])).toThrow(/not one of the allowed/);
    for (const bad of ['a b', 'a`b', 'a;b', '1a', '', 'a.b', 'ä', 'a--', 'x`; DROP TABLE t; --']) {
      expect(() => identifier(bad)).toThrow(SqlBindError);
    }
    expect(() => identifier('a`b', ['a`b'])).toThrow(SqlBindError);
  });

  it('embeds fragments built with the same binder', () => {
    const conditions = [fragment`org = ${"o'1"}`, fragment`team IN (${list(['t1', 't2'])})`];
    expect(sql`SELECT 1 WHERE ${joinFragments(conditions, ' AND ')}`).toBe(
      "SELECT 1 WHERE org = 'o\\'1' AND team IN ('t1', 't2')",
    );
    // A plain string is a value, never SQL: it is quoted, not spliced.
    expect(sql`WHERE ${'1=1 OR 1'}`).toBe("WHERE '1=1 OR 1'");
  });
});
