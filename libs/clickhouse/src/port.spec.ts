import { parseClickHouseException, statementHead } from './port';

describe('ClickHouse exception text', () => {
  it('reads the 18.x format', () => {
    expect(
      parseClickHouseException(
        "Code: 81, e.displayText() = DB::Exception: Database nosuchdb doesn't exist, e.what() = DB::Exception\n",
      ),
    ).toEqual({ code: 81, message: "DB::Exception: Database nosuchdb doesn't exist" });
  });

  it('reads the current format', () => {
    const text =
      'Code: 60. DB::Exception: Unknown table expression identifier `nope` in scope SELECT * FROM nope. (UNKNOWN_TABLE) (version 24.3.1.1)';
    expect(parseClickHouseException(text)).toEqual({ code: 60, message: text });
  });

  it('keeps a text without a code as the message', () => {
    expect(parseClickHouseException(' connection refused ')).toEqual({
      code: undefined,
      message: 'connection refused',
    });
  });

  it('shortens statements for error context', () => {
    expect(statementHead('SELECT\n  1')).toBe('SELECT 1');
    expect(statementHead('x'.repeat(200))).toHaveLength(121);
  });
});
