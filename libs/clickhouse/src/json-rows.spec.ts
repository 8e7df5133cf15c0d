import { parseJsonEachRow, toJsonEachRow } from './json-rows';
import { ClickHouseError } from './port';

describe('JSONEachRow', () => {
  it('writes bigints as decimal strings, Dates as unix seconds and skips undefined', () => {
    const text = toJsonEachRow([
      {
        a: 18446744073709551615n,
        d: new Date('2026-11-20T10:15:30.999Z'),
        s: '\u0001bigint:5',
        u: undefined,
        n: null,
      },
      { arr: [1n, 'x'], f: 1.5 },
    ]);
    expect(text).toBe(
      '{"a":"18446744073709551615","d":1795169730,"s":"\\u0001bigint:5","n":null}\n{"arr":["1","x"],"f":1.5}\n',
    );
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => toJsonEachRow([{ f: Number.NaN }])).toThrow(/f: NaN/);
    expect(() => toJsonEachRow([{ d: new Date('x') }])).toThrow(/invalid Date/);
    expect(() => toJsonEachRow([{ s: Symbol('x') }])).toThrow(TypeError);
  });

  it('parses rows and turns an exception appended mid-stream into a ClickHouseError', () => {
    const fail = (line: string) => new ClickHouseError(line, 1, 'server');
    expect(parseJsonEachRow('{"a":"1"}\n{"a":"2"}\n', 'server', fail)).toEqual([{ a: '1' }, { a: '2' }]);
    expect(parseJsonEachRow('', 'server', fail)).toEqual([]);
    expect(() =>
      parseJsonEachRow('{"a":1}\nCode: 241, e.displayText() = DB::Exception: Memory limit', 'server', fail),
    ).toThrow(/Memory limit/);
  });
});
